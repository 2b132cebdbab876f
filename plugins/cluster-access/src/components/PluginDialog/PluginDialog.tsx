import Dialog, { DialogProps } from '@material-ui/core/Dialog';
import { makeStyles, Theme } from '@material-ui/core/styles';
import useMediaQuery from '@material-ui/core/useMediaQuery';
import { touchTargets } from '../PluginContent';

const useStyles = makeStyles(theme => ({
  paper: {
    // Serial numbers, refs and namespace names have no spaces: on a phone
    // one ran past the dialog's edge and was cut off mid-value.
    overflowWrap: 'anywhere',
    // ...but not a button's label: "Add" beside the member field broke
    // into "AD / D" on a phone, the field taking the room that allowed.
    '& .MuiButton-root': { overflowWrap: 'normal' },
    ...touchTargets(theme),
  },
}));

/**
 * The plugin's dialog: as wide as its size allows, dismissable unless
 * `busy`, with controls big enough to touch on a phone. `fullScreenOnPhone`
 * for dialogs whose content a floating dialog would leave a sliver of.
 */
export const PluginDialog = (
  props: Omit<DialogProps, 'open' | 'onClose' | 'fullScreen' | 'classes'> & {
    onClose: () => void;
    /** While true the dialog cannot be dismissed (a change is being sent). */
    busy?: boolean;
    fullScreenOnPhone?: boolean;
    /** Defaults to true: most of the plugin's dialogs are opened by mounting. */
    open?: boolean;
  },
) => {
  const { onClose, busy, fullScreenOnPhone, open = true, ...dialog } = props;
  const classes = useStyles();
  const phone = useMediaQuery((theme: Theme) => theme.breakpoints.down('xs'));
  return (
    <Dialog
      fullWidth
      {...dialog}
      open={open}
      onClose={busy ? undefined : onClose}
      fullScreen={!!fullScreenOnPhone && phone}
      classes={{ paper: classes.paper }}
    />
  );
};
