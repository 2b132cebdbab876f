export { ReasonField } from './ReasonField';
