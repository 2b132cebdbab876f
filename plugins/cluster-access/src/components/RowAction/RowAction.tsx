import { createContext, ReactElement, useContext } from 'react';
import Button from '@material-ui/core/Button';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';

/**
 * Whether row actions show as words: a dialog has room for "Approve" and
 * "Reject", and a bare check mark beside "Close" reads as a puzzle there.
 */
export const RowActionsAsButtons = createContext(false);

/**
 * One row action as an icon with its name in a tooltip and for screen
 * readers, as the catalog's tables do: a row of words does not fit beside
 * seven columns at 1440 px. Inside {@link RowActionsAsButtons} it is a
 * button with its icon and name.
 */
export const RowAction = (props: {
  title: string;
  label: string;
  icon: ReactElement;
  color?: 'primary' | 'secondary' | 'default';
  onClick: () => void;
}) => {
  const asButton = useContext(RowActionsAsButtons);
  if (asButton) {
    return (
      <Button
        color={props.color}
        startIcon={props.icon}
        aria-label={props.label}
        onClick={props.onClick}
      >
        {props.title}
      </Button>
    );
  }
  return (
    <Tooltip title={props.title}>
      <IconButton
        size="small"
        color={props.color}
        aria-label={props.label}
        onClick={props.onClick}
      >
        {props.icon}
      </IconButton>
    </Tooltip>
  );
};
