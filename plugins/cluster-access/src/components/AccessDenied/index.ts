export { AccessDenied, AskContact, useAccessContact } from './AccessDenied';
