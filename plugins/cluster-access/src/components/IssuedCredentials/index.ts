export {
  IssuedCredentialsProvider,
  useIssuedCredentials,
  useIssuedCredentialsState,
} from './IssuedCredentials';
export type { IssuedCredentials } from './IssuedCredentials';
export { issuedCredentialsWrapper } from './issuedCredentialsWrapper';
