export { PluginCardContent, PluginContent } from './PluginContent';
export { TOUCH_TARGET, touchTableOptions, touchTargets } from './touchTargets';
