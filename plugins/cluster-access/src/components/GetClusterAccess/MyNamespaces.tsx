import { InfoCard, LinkButton } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { NamespaceAccess } from '@cluster-access/plugin-cluster-access-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useClusterAccessApi } from '../../hooks/useClusterAccessApi';
import { changesNamespaces } from '../../hooks/useClusterAccessSignals';
import { usePageTabLink } from '../../hooks/usePageTabLink';
import { formatDay } from '../../lib/dates';
import { AsyncContent } from '../AsyncContent';
import { NamespaceLink } from '../NamespaceLink';
import { groupMyAccess, MyNamespace, rolesOf } from './myAccess';

const useStyles = makeStyles(theme => ({
  list: { margin: 0, padding: 0, listStyle: 'none' },
  row: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'baseline',
    gap: theme.spacing(1),
    padding: theme.spacing(1, 0),
    borderTop: `1px solid ${theme.palette.divider}`,
    overflowWrap: 'anywhere',
  },
  name: { flex: '0 0 14rem', minWidth: 0 },
  roles: { display: 'flex', flexWrap: 'wrap', gap: theme.spacing(0.5) },
  why: { flex: '1 1 18rem', minWidth: 0 },
}));

/** Why one way in lets the user in, as a short sentence. */
const Why = (props: { entry: NamespaceAccess }) => {
  const { entry } = props;
  if (entry.via === 'group') {
    return (
      <>
        You are a member of <EntityRefLink entityRef={entry.owner} hideIcon />,
        which owns it.
      </>
    );
  }
  if (entry.via === 'extra') {
    return (
      <>
        You were added as an extra member
        {entry.addedBy && (
          <>
            {' '}
            by <EntityRefLink entityRef={entry.addedBy} hideIcon />
          </>
        )}
        {entry.expiresAt && `, until ${formatDay(entry.expiresAt)}`}.
      </>
    );
  }
  const target =
    entry.subject.kind === 'Group' ? (
      <>
        your group <code>{entry.subject.name}</code>
      </>
    ) : (
      'you'
    );
  return (
    <>
      The RoleBinding <code>{entry.binding}</code>, made with kubectl, names{' '}
      {target}
      {entry.flagged && ' (flagged: Cluster Access did not grant this)'}.
    </>
  );
};

const NamespaceRow = (props: { item: MyNamespace }) => {
  const { item } = props;
  const classes = useStyles();
  const roles = [...new Set(item.ways.flatMap(rolesOf))];
  return (
    <li className={classes.row}>
      <Typography variant="body2" component="span" className={classes.name}>
        <NamespaceLink cluster={item.cluster} namespace={item.namespace} />
        {item.status !== 'ready' && ` (${item.status})`}
      </Typography>
      <span className={classes.roles}>
        {roles.map(role => (
          <Chip key={role} label={role} size="small" />
        ))}
        {roles.length === 0 && (
          // None of their RoleBindings applied yet: the namespace is being
          // provisioned, they joined the owner Group since the reconciler's
          // last pass, or the cluster refused them so far.
          <Chip label="no RoleBinding yet" size="small" variant="outlined" />
        )}
      </span>
      <Typography variant="body2" component="span" className={classes.why}>
        {item.ways.map((entry, i) => (
          <Box component="span" display="block" key={i}>
            <Why entry={entry} />
          </Box>
        ))}
      </Typography>
    </li>
  );
};

/**
 * "What can I do": per cluster, the namespaces the signed-in user can use
 * with a certificate, with which role and why, before they download one.
 * From the access view (`GET /access?mine=true`): the owner Groups'
 * members and extra members as they are now, and kubectl-made bindings as
 * the reconciler last saw them.
 */
export const MyNamespaces = () => {
  const classes = useStyles();
  const state = useClusterAccessApi(api => api.listAccess({ mine: true }), [], {
    liveOn: changesNamespaces,
  });
  const requestLink = usePageTabLink('requestNamespace');
  return (
    <InfoCard title="Namespaces you can use">
      <AsyncContent state={state} deniedWhat="see your namespaces">
        {entries => {
          const clusters = groupMyAccess(entries);
          if (clusters.length === 0) {
            return (
              <Box>
                <Typography variant="body2" paragraph>
                  You cannot use any namespace yet: a certificate lets you sign
                  in to the cluster, but Kubernetes lets you into namespaces of
                  your Groups only.
                </Typography>
                {requestLink && (
                  <LinkButton
                    variant="outlined"
                    color="primary"
                    to={requestLink}
                  >
                    Request a namespace
                  </LinkButton>
                )}
              </Box>
            );
          }
          return clusters.map(({ cluster, namespaces }) => (
            <Box key={cluster} mb={2}>
              <Typography variant="subtitle2" component="h3" gutterBottom>
                On cluster {cluster}
              </Typography>
              <ul
                className={classes.list}
                aria-label={`Your namespaces on ${cluster}`}
              >
                {namespaces.map(item => (
                  <NamespaceRow key={item.key} item={item} />
                ))}
              </ul>
            </Box>
          ));
        }}
      </AsyncContent>
    </InfoCard>
  );
};
