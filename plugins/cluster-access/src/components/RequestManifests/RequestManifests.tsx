import { useState } from 'react';
import { CodeSnippet } from '@backstage/core-components';
import {
  ManifestState,
  NamespaceRequestManifests,
} from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import FileCopyIcon from '@material-ui/icons/FileCopy';
import GetAppIcon from '@material-ui/icons/GetApp';
import { useClusterAccessApi } from '../../hooks/useClusterAccessApi';
import { useObjectUrl } from '../../hooks/useObjectUrl';
import { AsyncContent } from '../AsyncContent';

/** What the objects are to the request, in a sentence. */
const STATE_SENTENCES: Record<ManifestState, string> = {
  planned: 'These objects will be applied once the request is approved.',
  applied:
    'These objects are applied in the cluster; Cluster Access keeps them so.',
  failed:
    'Provisioning stopped: some of these objects may be applied, the rest are not.',
  deleting: 'These objects are being deleted with the namespace.',
  deleted: 'These objects were applied and have been deleted since.',
  'not-applied': 'These objects were never applied.',
};

/** Copies text, saying whether it worked (a browser may refuse). */
function CopyButton(props: { text: string }) {
  const [copied, setCopied] = useState<'yes' | 'no'>();
  const copy = async () => {
    try {
      await window.navigator.clipboard.writeText(props.text);
      setCopied('yes');
    } catch {
      setCopied('no');
    }
  };
  return (
    <Button size="small" startIcon={<FileCopyIcon />} onClick={copy}>
      {copied === 'yes' && 'Copied'}
      {copied === 'no' && 'Copy refused by the browser'}
      {copied === undefined && 'Copy YAML'}
    </Button>
  );
}

/** The YAML, its download and copy buttons, and what it is to the request. */
export const ManifestsView = (props: {
  manifests: NamespaceRequestManifests;
}) => {
  const { manifests } = props;
  const url = useObjectUrl(manifests.yaml, 'application/yaml');
  return (
    <Box>
      <Box
        display="flex"
        flexWrap="wrap"
        alignItems="center"
        justifyContent="space-between"
        style={{ gap: 8 }}
      >
        <Typography variant="body2">
          {STATE_SENTENCES[manifests.state]} {manifests.items.length} objects;
          members as of now.
        </Typography>
        <Box display="flex" style={{ gap: 8 }}>
          <Button
            size="small"
            variant="outlined"
            color="primary"
            startIcon={<GetAppIcon />}
            component="a"
            href={url}
            download={manifests.filename}
            disabled={!url}
          >
            Download
          </Button>
          <CopyButton text={manifests.yaml} />
        </Box>
      </Box>
      {/* The file is long: it scrolls inside its own box, both ways, so the
          page around it never does. */}
      <Box
        mt={1}
        maxHeight={420}
        overflow="auto"
        role="region"
        aria-label={`Manifests of ${manifests.namespace}`}
        tabIndex={0}
      >
        <CodeSnippet language="yaml" text={manifests.yaml} />
      </Box>
    </Box>
  );
};

/**
 * The Kubernetes objects a request applies or applied, as the backend's
 * provisioner renders them: for approvers to read and GitOps users to take.
 */
export const RequestManifests = (props: { requestId: string }) => {
  const state = useClusterAccessApi(
    api => api.getRequestManifests({ id: props.requestId }),
    [props.requestId],
  );
  return (
    <AsyncContent state={state} deniedWhat="see this request's manifests">
      {manifests => <ManifestsView manifests={manifests} />}
    </AsyncContent>
  );
};
