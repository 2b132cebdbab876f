import {
  Sidebar,
  SidebarDivider,
  SidebarGroup,
  SidebarItem,
  SidebarScrollWrapper,
  SidebarSpace,
} from '@backstage/core-components';
import {
  NavContentBlueprint,
  NavContentComponentProps,
} from '@backstage/plugin-app-react';
import { usePermission } from '@backstage/plugin-permission-react';
import { UserSettingsSignInAvatar } from '@backstage/plugin-user-settings';
import { clusterAccessCertificateCreatePermission } from '@cluster-access/plugin-cluster-access-common';
import { makeStyles } from '@material-ui/core/styles';
import MenuIcon from '@material-ui/icons/Menu';
import { ReactNode } from 'react';
import { SidebarLogo } from './SidebarLogo';

const useStyles = makeStyles({
  // SidebarItem gives its label a fixed 110 px and keeps 56 px for an
  // action the demo's items do not have, which cuts "Cluster access" to
  // "Cluster acce…" unless the theme's narrow fonts load. The label (its only
  // span) takes the free room instead; it still ends in an ellipsis when a
  // title is longer than the open drawer.
  item: {
    '& > span': { width: 'auto', minWidth: 0 },
    '& > div:last-child:empty': { width: 0, margin: 0 },
  },
});

/**
 * The Cluster access entry only for people who may use it: someone the policy
 * refuses a certificate (an outsider) is not sent to a page of refusals.
 * Still open by URL, where each tab says calmly what they lack.
 */
const ClusterAccessNavItem = (props: { children: ReactNode }) => {
  const { loading, allowed } = usePermission({
    permission: clusterAccessCertificateCreatePermission,
  });
  return loading || !allowed ? null : <>{props.children}</>;
};

const AppSidebar = ({ navItems }: NavContentComponentProps) => {
  const classes = useStyles();
  const nav = navItems.withComponent(item => (
    <SidebarItem
      className={classes.item}
      icon={() => item.icon}
      to={item.href}
      text={item.title}
    />
  ));

  return (
    <Sidebar>
      <SidebarLogo />
      <SidebarDivider />
      <SidebarGroup label="Menu" icon={<MenuIcon />}>
        {nav.take('page:catalog')}
        <ClusterAccessNavItem>
          {nav.take('page:cluster-access')}
        </ClusterAccessNavItem>
        {nav.take('page:scaffolder')}
        {nav.take('page:notifications')}
        <SidebarDivider />
        <SidebarScrollWrapper>
          {nav.rest({ sortBy: 'title' })}
        </SidebarScrollWrapper>
      </SidebarGroup>
      <SidebarSpace />
      <SidebarDivider />
      <SidebarGroup
        label="Settings"
        icon={<UserSettingsSignInAvatar />}
        to="/settings"
      >
        {nav.take('page:user-settings')}
      </SidebarGroup>
    </Sidebar>
  );
};

export const SidebarContent = NavContentBlueprint.make({
  params: { component: AppSidebar },
});
