import { Link } from '@backstage/core-components';
import { usePageTabLink } from '../../hooks/usePageTabLink';
import { namespaceKey } from '../../lib/namespaces';

/**
 * A namespace's name as a link to it on the Namespaces tab (which then shows
 * only that namespace), or plain code when the app has not mounted the page.
 * Names do not wrap at their hyphens: `payments-checkout-qa` is one word.
 */
export const NamespaceLink = (props: {
  cluster: string;
  namespace: string;
}) => {
  const { cluster, namespace } = props;
  const href = usePageTabLink('namespaces', {
    namespace: namespaceKey(cluster, namespace),
  });
  const name = <code style={{ whiteSpace: 'nowrap' }}>{namespace}</code>;
  if (!href) return name;
  return (
    <Link to={href} aria-label={`Namespace ${namespace} on ${cluster}`}>
      {name}
    </Link>
  );
};

/** A `<cluster>/<namespace>` key from the history, as a link. */
export const NamespaceKeyLink = (props: { namespaceKey: string }) => {
  const [cluster, ...rest] = props.namespaceKey.split('/');
  if (!rest.length) return <code>{props.namespaceKey}</code>;
  return <NamespaceLink cluster={cluster} namespace={rest.join('/')} />;
};
