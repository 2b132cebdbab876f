import { OnlyNamespaceBanner } from './OnlyNamespaceBanner';
import { Scope, ScopeToggle } from './ScopeToggle';

/** Over the table: Mine | All, or "Showing only …" after a namespace link. */
export const ScopeBar = (props: {
  scope: Scope;
  setScope: (scope: Scope) => void;
  only?: string;
  showAll: () => void;
}) =>
  props.only ? (
    <OnlyNamespaceBanner namespaceKey={props.only} onShowAll={props.showAll} />
  ) : (
    <ScopeToggle scope={props.scope} onChange={props.setScope} />
  );
