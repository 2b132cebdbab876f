export { CommentDialog } from './CommentDialog';
