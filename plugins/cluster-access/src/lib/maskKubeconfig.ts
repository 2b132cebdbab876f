/**
 * The kubeconfig with its private key replaced by a placeholder, for showing
 * on screen: people share screens, and the key is the one secret in it.
 */
export function maskPrivateKey(kubeconfig: string): string {
  return kubeconfig.replace(
    /^(\s*client-key-data:\s*).+$/gm,
    '$1•••••••• (private key hidden)',
  );
}
