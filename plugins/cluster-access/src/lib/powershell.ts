/** Text inside single quotes in PowerShell, where only `'` needs escaping. */
function inSingleQuotes(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The PowerShell twin of `kubeconfigMergeInstructions`: try the downloaded
 * kubeconfig, then merge it into `%USERPROFILE%\.kube\config` with a backup.
 * Windows separates `KUBECONFIG` entries with `;`, and the merged file is
 * written without a byte-order mark, which Windows PowerShell 5's
 * `Set-Content -Encoding utf8` would add.
 */
export function powershellMergeInstructions(options: {
  fileName: string;
  context: string;
}): string {
  const { fileName, context } = options;
  return [
    '# Try the new file on its own:',
    `$file = Join-Path $HOME (Join-Path 'Downloads' ${inSingleQuotes(
      fileName,
    )})`,
    'kubectl --kubeconfig $file auth whoami',
    '',
    '# Merge it into ~\\.kube\\config, keeping a backup in ~\\.kube\\config.bak.',
    `# Its entries replace older ones of the same name, and "${context.replace(
      /\s+/g,
      ' ',
    )}"`,
    '# becomes the current context:',
    '$kube = Join-Path $HOME .kube',
    'New-Item -ItemType Directory -Force $kube | Out-Null',
    '$config = Join-Path $kube config',
    'if (Test-Path $config) { Copy-Item $config "$config.bak" }',
    '$env:KUBECONFIG = "$file;$config"',
    '$merged = kubectl config view --flatten | Out-String',
    'Remove-Item Env:KUBECONFIG',
    'if ($LASTEXITCODE -eq 0) { [IO.File]::WriteAllText($config, $merged) }',
    'kubectl auth whoami',
    '',
  ].join('\n');
}
