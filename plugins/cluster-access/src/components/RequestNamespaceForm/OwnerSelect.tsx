import { GroupOption } from './useGroupOptions';
import { SelectField } from './SelectField';

/** Which of the user's Groups the namespace is for. */
export const OwnerSelect = (props: {
  options: GroupOption[];
  value: string;
  onChange: (value: string) => void;
  disabled: boolean;
}) => {
  const { options, ...field } = props;
  return (
    <SelectField
      {...field}
      id="cluster-access-owner"
      label="Owner group"
      helperText="The namespace belongs to this Group; its members get access."
    >
      <option value="" disabled>
        Choose a Group
      </option>
      {options.map(option => (
        <option key={option.ref} value={option.ref}>
          {option.label}
        </option>
      ))}
    </SelectField>
  );
};
