import { NamespaceAccess } from '@cluster-access/plugin-cluster-access-common';
import Box, { BoxProps } from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { AsyncContent, LoadState } from '../AsyncContent';
import { NamespaceAccessList } from './NamespaceAccessList';

/**
 * A headed part of a card or dialog that says who can get in, once the
 * entries are loaded. The box props place it in its container.
 */
export const AccessSection = (
  props: BoxProps & {
    heading: string;
    access: LoadState<NamespaceAccess[]>;
    /** Accessible name of the list. */
    label: string;
    emptyText: string;
  },
) => {
  const { heading, access, label, emptyText, ...box } = props;
  return (
    <Box {...box}>
      <Typography variant="subtitle2" component="h3" gutterBottom>
        {heading}
      </Typography>
      <AsyncContent state={access}>
        {entries => (
          <NamespaceAccessList
            entries={entries}
            label={label}
            emptyText={emptyText}
          />
        )}
      </AsyncContent>
    </Box>
  );
};
