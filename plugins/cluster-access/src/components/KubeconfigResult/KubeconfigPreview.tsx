import { memo, useState } from 'react';
import { CodeSnippet } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import VisibilityIcon from '@material-ui/icons/Visibility';
import VisibilityOffIcon from '@material-ui/icons/VisibilityOff';
import { maskPrivateKey } from '../../lib/maskKubeconfig';

/**
 * The kubeconfig itself, to read or copy, with its private key hidden until
 * the person asks to see it (screens get shared). Memoised: highlighting the
 * file is the dearest part of showing a Generate's result, and the download
 * URL arriving or the download click must not redo it.
 */
export const KubeconfigPreview = memo((props: { kubeconfig: string }) => {
  const [revealed, setRevealed] = useState(false);
  return (
    <Box>
      <Box display="flex" justifyContent="flex-end">
        <Button
          size="small"
          startIcon={revealed ? <VisibilityOffIcon /> : <VisibilityIcon />}
          onClick={() => setRevealed(r => !r)}
        >
          {revealed ? 'Hide the private key' : 'Show the private key'}
        </Button>
      </Box>
      <Box maxHeight={360} overflow="auto">
        <CodeSnippet
          language="yaml"
          text={revealed ? props.kubeconfig : maskPrivateKey(props.kubeconfig)}
          // Copying a masked file would give a kubeconfig that cannot work.
          showCopyCodeButton={revealed}
        />
      </Box>
    </Box>
  );
});
