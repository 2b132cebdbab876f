export { AsyncContent } from './AsyncContent';
export type { LoadState } from './AsyncContent';
export { firstLoadView } from './firstLoadView';
export { ErrorView } from './ErrorView';
