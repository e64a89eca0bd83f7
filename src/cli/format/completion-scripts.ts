/** What a shell completes after one command's name. */
export interface CompletedCommand {
  names: readonly string[];
  summary: string;
  /** Long and short option flags ("--json", "-m"). */
  options: readonly string[];
  /**
   * What the first word after the command is: a task id (`id`), any number of them (`ids`), one
   * of fixed words (a subcommand, a shell), or free text (`none`).
   */
  operand: { kind: 'id' | 'ids' | 'none' } | { kind: 'words'; words: readonly string[] };
}

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/**
 * The command that prints the task ids, newest state first, for the scripts to call at each
 * Tab. It runs the same `dispatch` the user typed (`./bin/dispatch` too).
 */
const IDS_FLAG = 'completion --task-ids';

export function completionScript(shell: Shell, commands: readonly CompletedCommand[]): string {
  switch (shell) {
    case 'bash':
      return bashScript(commands);
    case 'zsh':
      return zshScript(commands);
    case 'fish':
      return fishScript(commands);
  }
}

/** The words a script holds are ours (command names, flags): still, nothing but these passes. */
function plainWords(words: readonly string[]): string {
  return words.filter((word) => /^[A-Za-z0-9-]+$/.test(word)).join(' ');
}

function bashCases(commands: readonly CompletedCommand[]): string {
  return commands
    .map((command) => {
      const operand =
        command.operand.kind === 'words'
          ? `operand=words; words="${plainWords(command.operand.words)}"`
          : `operand=${command.operand.kind}`;
      return `    ${command.names.join('|')}) options="${plainWords(command.options)}"; ${operand} ;;`;
    })
    .join('\n');
}

function bashFunction(commands: readonly CompletedCommand[]): string {
  const names = plainWords(commands.flatMap((command) => command.names));
  return `_dispatch_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" options="" operand=none words=""
  COMPREPLY=()
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${names} --help --version" -- "$cur"))
    return 0
  fi
  case "\${COMP_WORDS[1]}" in
${bashCases(commands)}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$options --help" -- "$cur"))
  elif [ "$operand" = words ] && [ "$COMP_CWORD" -eq 2 ]; then
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
  elif [ "$operand" = ids ] || { [ "$operand" = id ] && [ "$COMP_CWORD" -eq 2 ]; }; then
    COMPREPLY=($(compgen -W "$("\${COMP_WORDS[0]}" ${IDS_FLAG} 2>/dev/null)" -- "$cur"))
  fi
  return 0
}`;
}

function bashScript(commands: readonly CompletedCommand[]): string {
  return `# dispatch completion for bash. Load it now:  source <(dispatch completion bash)
# or for every shell:  dispatch completion bash > ~/.local/share/bash-completion/completions/dispatch
${bashFunction(commands)}
complete -F _dispatch_complete dispatch
`;
}

/** zsh runs the bash function through its bash-completion emulation. */
function zshScript(commands: readonly CompletedCommand[]): string {
  return `# dispatch completion for zsh. Load it now:  source <(dispatch completion zsh)
# or for every shell: add that line to ~/.zshrc
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashFunction(commands)}
complete -F _dispatch_complete dispatch
`;
}

/** A fish single-quoted string. */
function fishQuote(text: string): string {
  return `'${text.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

function fishScript(commands: readonly CompletedCommand[]): string {
  const lines = [
    '# dispatch completion for fish. Load it now:  dispatch completion fish | source',
    '# or for every shell:  dispatch completion fish > ~/.config/fish/completions/dispatch.fish',
    'complete -c dispatch -f',
  ];
  for (const command of commands) {
    for (const name of command.names)
      lines.push(
        `complete -c dispatch -n __fish_use_subcommand -a ${name} -d ${fishQuote(command.summary)}`,
      );
    const after = `-n ${fishQuote(`__fish_seen_subcommand_from ${command.names.join(' ')}`)}`;
    for (const flag of command.options)
      lines.push(
        flag.startsWith('--')
          ? `complete -c dispatch ${after} -l ${flag.slice(2)}`
          : `complete -c dispatch ${after} -s ${flag.slice(1)}`,
      );
    if (command.operand.kind === 'words')
      lines.push(
        `complete -c dispatch ${after} -a ${fishQuote(plainWords(command.operand.words))}`,
      );
    else if (command.operand.kind !== 'none')
      lines.push(`complete -c dispatch ${after} -a '(dispatch ${IDS_FLAG} 2>/dev/null)'`);
  }
  return `${lines.join('\n')}\n`;
}
