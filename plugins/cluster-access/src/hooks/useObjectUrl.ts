import { useEffect, useState } from 'react';

/**
 * A blob URL for some text, made only while the caller is shown and revoked
 * as soon as the text changes or the caller goes away: the URL keeps the
 * text readable by anyone on the page. Made in an effect, not a memo, so
 * that the URL is recreated whenever a cleanup has revoked it.
 */
export function useObjectUrl(
  text: string | undefined,
  type: string,
): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (!text) return undefined;
    const objectUrl = URL.createObjectURL(new Blob([text], { type }));
    setUrl(objectUrl);
    return () => {
      URL.revokeObjectURL(objectUrl);
      setUrl(undefined);
    };
  }, [text, type]);
  return url;
}
