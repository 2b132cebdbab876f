export { RequestManifests } from './RequestManifests';
