import { memo, useState } from 'react';
import { CodeSnippet } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import { powershellMergeInstructions } from '../../lib/powershell';
import { kubeconfigMergeInstructions } from '@cluster-access/plugin-cluster-access-common';

const shells = ['bash', 'powershell'] as const;
type Shell = (typeof shells)[number];

const shellTitles: Record<Shell, string> = {
  bash: 'macOS and Linux (bash, zsh)',
  powershell: 'Windows (PowerShell)',
};

/**
 * Step-by-step commands to try and merge the kubeconfig, per OS. Memoised:
 * MUI's Tabs measure themselves after every render (getBoundingClientRect),
 * and right after a Generate the page's layout is dirty, so each needless
 * re-render (the download URL arriving, the download click) forced a full
 * layout of the page: about 100 ms each, measured in the Generate benchmark.
 */
export const SetupInstructions = memo(
  (props: { fileName: string; context: string }) => {
    const [shell, setShell] = useState<Shell>(
      typeof navigator !== 'undefined' && /Win/.test(navigator.platform)
        ? 'powershell'
        : 'bash',
    );
    const text =
      shell === 'bash'
        ? kubeconfigMergeInstructions(props)
        : powershellMergeInstructions(props);
    return (
      <Box>
        <Tabs
          value={shell}
          onChange={(_, value: Shell) => setShell(value)}
          indicatorColor="primary"
          variant="scrollable"
          aria-label="Your computer"
        >
          {shells.map(s => (
            <Tab key={s} value={s} label={shellTitles[s]} />
          ))}
        </Tabs>
        <CodeSnippet
          language={shell}
          showCopyCodeButton
          wrapLongLines
          text={text}
        />
      </Box>
    );
  },
);
