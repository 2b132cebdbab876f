/*
 * The X.509 and ASN.1 code of a Generate (key pair, CSR, kubeconfig with the
 * certificate checked), kept in a module of its own that the page loads with
 * a dynamic import() on the first Generate: it is most of the plugin's
 * weight, and most visits to the page never generate a certificate. Import
 * it only that way (see issueCertificate.ts; a test checks).
 */
export {
  buildKubeconfig,
  generateClientKeyAndCsr,
} from '@cluster-access/plugin-cluster-access-common';
