export { KubeconfigResult } from './KubeconfigResult';
