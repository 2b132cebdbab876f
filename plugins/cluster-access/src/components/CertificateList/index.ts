export { CertificateList } from './CertificateList';
