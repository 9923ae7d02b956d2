import { UsageError, type Command } from '../command.ts';
import { commands } from '../registry.ts';

/**
 * `hearth completion bash|zsh`: prints a completion script for the command names, e.g.
 * `source <(node shared/cli/hearth.ts completion bash)`, or `eval` it in ~/.bashrc / ~/.zshrc.
 */
export const completionCommand: Command = {
  summary: 'completion bash|zsh: print a shell completion script (source <(hearth completion bash))',
  run(args) {
    const [shell, extra] = args;
    if ((shell !== 'bash' && shell !== 'zsh') || extra !== undefined)
      throw new UsageError('usage: hearth completion bash|zsh');
    const names = Object.keys(commands).join(' ');
    const bash = `_hearth() {\n  if [ "$COMP_CWORD" -eq 1 ]; then\n    COMPREPLY=($(compgen -W "${names} --help" -- "\${COMP_WORDS[1]}"))\n  else\n    COMPREPLY=($(compgen -W "--help --json" -- "\${COMP_WORDS[COMP_CWORD]}"))\n  fi\n}\ncomplete -F _hearth hearth\n`;
    const script = shell === 'bash' ? bash : `autoload -U +X bashcompinit && bashcompinit\n${bash}`;
    process.stdout.write(script);
    return Promise.resolve(0);
  },
};
