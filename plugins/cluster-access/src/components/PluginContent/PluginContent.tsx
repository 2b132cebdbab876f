import { ReactNode } from 'react';
import { Content } from '@backstage/core-components';
import { makeStyles } from '@material-ui/core/styles';
import { touchTargets } from './touchTargets';

const useStyles = makeStyles(theme => ({ root: touchTargets(theme) }));

/*
 * `data-plugin-content` marks what the plugin draws itself, as opposed to
 * Backstage's sidebar, header and tab bar around it: the browser journeys'
 * layout check holds controls inside it to the touch target on a phone.
 */

/** A tab of the plugin's page: Backstage's `Content`, with controls big enough to touch on a phone. */
export const PluginContent = (props: { children: ReactNode }) => {
  const classes = useStyles();
  return (
    <Content className={classes.root} data-plugin-content="cluster-access">
      {props.children}
    </Content>
  );
};

/** The body of one of the plugin's entity cards, with controls big enough to touch on a phone. */
export const PluginCardContent = (props: { children: ReactNode }) => {
  const classes = useStyles();
  return (
    <div className={classes.root} data-plugin-content="cluster-access">
      {props.children}
    </div>
  );
};
