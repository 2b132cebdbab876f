/**
 * The `CERTIFICATE` blocks of a PEM bundle, each normalised to end with a
 * newline. Other blocks (keys, parameters) are ignored.
 */
export function splitPemCertificates(text: string): string[] {
  const blocks =
    text.match(
      /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
    ) ?? [];
  return blocks.map(block => `${block.trim()}\n`);
}

/**
 * A certificate serial number in Vault's notation: lowercase hex pairs
 * separated by colons, without leading zero bytes. Accepts colons, dashes or
 * plain hex; returns undefined for anything else.
 */
export function normalizeSerial(serial: string): string | undefined {
  const hex = serial.trim().toLowerCase().replace(/[:-]/g, '');
  if (!/^[0-9a-f]{1,128}$/.test(hex)) return undefined;
  let digits = hex.replace(/^0+/, '') || '0';
  if (digits.length % 2) digits = `0${digits}`;
  return digits.match(/../g)!.join(':');
}
