import { Theme } from '@material-ui/core/styles';

/** The smallest control a thumb hits reliably (WCAG 2.5.5, Apple's 44 pt). */
export const TOUCH_TARGET = 44;

/**
 * Style rules for a `makeStyles` class: on a phone, every MUI control under
 * the element at least {@link TOUCH_TARGET} px tall and wide. MUI's buttons
 * are 30 to 37 px tall and a small icon button 30 px square: easy to miss
 * with a thumb, or to hit the neighbour (Members beside Decommission). From
 * the `sm` breakpoint up nothing changes: a mouse needs no bigger target,
 * and a table of rows 44 px tall looks bulky at 1440 px.
 */
export const touchTargets = (theme: Theme) => ({
  [theme.breakpoints.down('xs')]: {
    [[
      '& .MuiButton-root',
      '& .MuiIconButton-root:not(.MuiSwitch-switchBase)',
      '& .MuiToggleButton-root',
      '& .MuiTab-root',
      // Backstage UI's icon button: a code snippet's Copy, 32 px square.
      '& .bui-ButtonIcon',
    ].join(', ')]: {
      minHeight: TOUCH_TARGET,
      minWidth: TOUCH_TARGET,
    },
    // A switch's thumb is drawn over its track: its label, which toggles
    // it too, is the target.
    '& .MuiFormControlLabel-root': { minHeight: TOUCH_TARGET },
    // A table's sort headers and a select's box (native or not): as tall
    // as their text by default.
    [[
      '& .MuiTableSortLabel-root',
      '& .MuiSelect-root[role="button"]',
      '& select.MuiInputBase-input',
    ].join(', ')]: {
      minHeight: TOUCH_TARGET,
      boxSizing: 'border-box' as const,
    },
    '& .MuiSelect-root[role="button"]': {
      display: 'flex',
      alignItems: 'center',
    },
  },
});

/**
 * Options for the plugin's tables. material-table makes every column title a
 * drag handle to reorder columns (a `role="button"` 14 px tall): no thumb
 * hits it, a drag on a phone scrolls the table instead, and nobody needs to
 * reorder these few columns. Sorting by a title stays.
 */
export const touchTableOptions = { draggable: false } as const;
