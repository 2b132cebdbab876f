export { RequestDetails } from './RequestDetails';
