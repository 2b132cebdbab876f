export { StackedRows } from './StackedRows';
