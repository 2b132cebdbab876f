import { createContext, ReactNode, useContext, useMemo, useState } from 'react';
import type { Issued } from '../GetClusterAccess/issueCertificate';

/** The last Generate's result, and how to replace it. */
export interface IssuedCredentials {
  issued?: Issued;
  setIssued: (issued: Issued | undefined) => void;
}

const IssuedCredentialsContext = createContext<IssuedCredentials | undefined>(
  undefined,
);

/**
 * Holds a Generate's result (with its private key) in React state: in
 * memory only, never in storage, gone on reload or sign-out.
 */
export function useIssuedCredentialsState(): IssuedCredentials {
  const [issued, setIssued] = useState<Issued>();
  return useMemo(() => ({ issued, setIssued }), [issued]);
}

/**
 * Keeps the result of Generate above the page's tabs, so that a look at
 * another tab before downloading does not throw the key away. The new
 * frontend system passes `value` from its plugin wrapper, whose state lives
 * at the app's root; the legacy page holds its own.
 */
export const IssuedCredentialsProvider = (props: {
  value?: IssuedCredentials;
  children: ReactNode;
}) => {
  const own = useIssuedCredentialsState();
  return (
    <IssuedCredentialsContext.Provider value={props.value ?? own}>
      {props.children}
    </IssuedCredentialsContext.Provider>
  );
};

/**
 * The result of Generate from the nearest provider; without one (the tab
 * alone, as in its tests) the caller's own state.
 */
export function useIssuedCredentials(): IssuedCredentials {
  const own = useIssuedCredentialsState();
  return useContext(IssuedCredentialsContext) ?? own;
}
