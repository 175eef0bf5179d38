package rules

import (
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	"github.com/lbguard/lbguard/internal/yamlnode"
	"github.com/lbguard/lbguard/transformers/config"
	"github.com/lbguard/lbguard/transformers/model"
)

// R8: SIGTERM reaches the app. The kubelet signals PID 1 of each container.
// A shell that runs the app as a child stays PID 1, and a shell as PID 1
// ignores SIGTERM (the kernel drops signals PID 1 has no handler for) and
// does not pass it on: the app never learns of the shutdown and is killed
// when the grace period ends, in the middle of its requests.
var RuleSignalHandling = RuleInfo{
	ID: "R8", Name: "SignalHandling", Title: "SIGTERM reaches the app", Severity: fn.Warning,
	Why: "Under a shell wrapper the shell is PID 1 and swallows SIGTERM: the app never begins its graceful shutdown and is killed when the grace period ends.",
}

// SignalHandling warns about serving containers that start their app under a
// `sh -c` script that does not exec it.
func SignalHandling(inv *model.Inventory, cfg config.Config, r *model.Report) {
	for _, w := range inv.WorkloadsInScope(cfg) {
		for _, c := range w.Containers() {
			if c.Serving {
				checkShellWrapper(w, c, r)
			}
		}
	}
}

func checkShellWrapper(w *model.Workload, c *model.Container, r *model.Report) {
	command, err := yamlnode.StringListAt(c.Node, "command")
	if err != nil {
		r.Invalid(w.Object, c.Path("command"), "must be a list of strings")
		return
	}
	args, err := yamlnode.StringListAt(c.Node, "args")
	if err != nil {
		r.Invalid(w.Object, c.Path("args"), "must be a list of strings")
		return
	}
	// Without a command, args go to the image's entrypoint; one that starts
	// a shell there is a wrapper too (entrypoint scripts exec their arguments).
	argv := append(append([]string{}, command...), args...)
	shell, script, at, ok := ShellScript(argv)
	if !ok || ExecsApp(script) {
		return
	}
	field := "command"
	if at >= len(command) {
		field = "args"
	}
	advice := "end the script with exec and the app's command, outside any pipeline or branch"
	if last, piped := LastCommand(script); last != "" && !piped && !isCompoundEnd(last) && !strings.HasPrefix(last, "wait") {
		advice = "start the app with exec: `exec " + last + "`"
	}
	r.Risk(RuleSignalHandling.ID, w.Object, c.Path(field), script,
		"%s %s container %q: the app runs under `%s -c` without exec, so the shell stays PID 1, ignores SIGTERM and does not pass it on: the app never hears of the shutdown and is killed when the grace period ends, in the middle of its requests. In the script, %s",
		w.KindName, w.Name, c.Name, shell, advice)
}

// shells are the programs whose -c script lbguard reads. Init wrappers such
// as tini and dumb-init forward signals, and are not among them.
var shells = map[string]bool{"sh": true, "bash": true, "ash": true, "dash": true, "ksh": true, "zsh": true}

// shellScript finds `shell [options] -c script` at the start of argv (also
// behind /usr/bin/env). at is the index of the script in argv.
func ShellScript(argv []string) (shell, script string, at int, ok bool) {
	i := 0
	if len(argv) > 1 && path.Base(argv[0]) == "env" {
		i++
	}
	if i >= len(argv) || !shells[path.Base(argv[i])] {
		return "", "", 0, false
	}
	shell = path.Base(argv[i])
	dashC := false
	for i++; i < len(argv); i++ {
		arg := argv[i]
		switch {
		case arg == "--":
		case strings.HasPrefix(arg, "--"): // a long option, such as --login
		case strings.HasPrefix(arg, "-") || strings.HasPrefix(arg, "+"):
			dashC = dashC || (arg[0] == '-' && strings.Contains(arg, "c"))
			if strings.ContainsAny(arg, "oO") {
				i++ // -o pipefail: the option's name follows
			}
		case dashC:
			return shell, arg, i, true
		default:
			return "", "", 0, false // a script file: its text is not in the manifest
		}
	}
	return "", "", 0, false
}

// execsApp tells whether the script hands PID 1 to the app: its last command
// starts with exec, or it traps SIGTERM to pass it on itself. Some shells
// (bash, recent dash) exec a lone last command on their own, but not every
// shell or version does, and not once the script grows: only an explicit
// exec is sure.
func ExecsApp(script string) bool {
	commands := splitCommands(script)
	if len(commands) == 0 {
		return true // nothing runs
	}
	for _, cmd := range commands {
		if words := strings.Fields(cmd.text); len(words) > 1 && words[0] == "trap" &&
			containsAny(words[1:], "TERM", "SIGTERM", "15") {
			return true
		}
	}
	last := commands[len(commands)-1]
	if !isCompoundEnd(last.text) {
		return !last.piped && isExec(last.text)
	}
	// The script ends in if/case/loop: an exec in any branch is taken as the
	// app's start, since which branch runs cannot be known here.
	for _, cmd := range commands {
		if isExec(cmd.text) {
			return true
		}
	}
	return false
}

func containsAny(words []string, wanted ...string) bool {
	for _, w := range wanted {
		if slices.Contains(words, w) {
			return true
		}
	}
	return false
}

var redirection = regexp.MustCompile(`^[0-9]*[<>]`)

// isExec tells whether cmd replaces the shell with a program: `exec app`,
// not `exec >log` (which only redirects the shell's own output).
func isExec(cmd string) bool {
	words := strings.Fields(stripKeywords(cmd))
	for i := 1; len(words) > 0 && words[0] == "exec" && i < len(words); i++ {
		if !redirection.MatchString(words[i]) {
			return true
		}
	}
	return false
}

// stripKeywords drops the reserved words that open a branch or a loop body,
// so that `then exec app` reads as `exec app`.
func stripKeywords(cmd string) string {
	for {
		word, rest, _ := strings.Cut(strings.TrimSpace(cmd), " ")
		switch word {
		case "then", "else", "do", "{", "(":
			cmd = rest
		default:
			return strings.TrimSpace(cmd)
		}
	}
}

func isCompoundEnd(cmd string) bool {
	word, _, _ := strings.Cut(strings.TrimSpace(cmd), " ")
	switch word {
	case "fi", "done", "esac", "}", ")":
		return true
	}
	return false
}

// lastCommand is the script's last simple command, as written; piped when
// it reads from a pipe (exec cannot make it PID 1 then).
func LastCommand(script string) (last string, piped bool) {
	commands := splitCommands(script)
	if len(commands) == 0 {
		return "", false
	}
	final := commands[len(commands)-1]
	return stripKeywords(final.text), final.piped
}

// shellCommand is one simple command of a script.
type shellCommand struct {
	text  string
	piped bool // it follows a single |
}

// splitCommands cuts a shell script into its simple commands at unquoted
// newlines, `;`, `&`, `&&`, `|` and `||`, dropping comments and empty parts.
func splitCommands(script string) []shellCommand {
	var commands []shellCommand
	var current strings.Builder
	piped, nextPiped := false, false
	flush := func() {
		if text := strings.TrimSpace(current.String()); text != "" {
			commands = append(commands, shellCommand{text: text, piped: piped})
		}
		current.Reset()
		piped = nextPiped
	}
	var quote byte
	for i := 0; i < len(script); i++ {
		ch := script[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			} else if ch == '\\' && quote == '"' && i+1 < len(script) {
				current.WriteByte(ch)
				i++
				ch = script[i]
			}
			current.WriteByte(ch)
		case ch == '\\' && i+1 < len(script):
			if script[i+1] != '\n' { // a backslash-newline continues the line
				current.WriteByte(ch)
				current.WriteByte(script[i+1])
			}
			i++
		case ch == '\'' || ch == '"':
			quote = ch
			current.WriteByte(ch)
		case ch == '#' && (current.Len() == 0 || strings.HasSuffix(current.String(), " ") || strings.HasSuffix(current.String(), "\t")):
			for i < len(script) && script[i] != '\n' {
				i++
			}
			nextPiped = false
			flush()
		case ch == '&' && (strings.HasSuffix(current.String(), ">") || strings.HasSuffix(current.String(), "<") ||
			(i+1 < len(script) && script[i+1] == '>')):
			current.WriteByte(ch) // 2>&1 and &>log are redirections
		case ch == '\n' || ch == ';' || ch == '&' || ch == '|':
			nextPiped = ch == '|' && (i+1 >= len(script) || script[i+1] != '|')
			if (ch == '|' || ch == '&') && i+1 < len(script) && script[i+1] == ch {
				i++ // && or ||
			}
			flush()
		default:
			current.WriteByte(ch)
		}
	}
	flush()
	return commands
}
