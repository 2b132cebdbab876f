export { PluginDialog } from './PluginDialog';
