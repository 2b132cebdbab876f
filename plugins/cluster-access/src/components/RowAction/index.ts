export { RowAction, RowActionsAsButtons } from './RowAction';
