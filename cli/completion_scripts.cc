#include "cli/completion_scripts.h"

#include <fmt/format.h>

#include "core/text.h"

// All three scripts share one design, so they behave alike: data functions (a `case` per
// command path) generated from the model, and one hand-written driver that walks the words
// typed so far: words naming a subcommand of the current path extend the path, an option
// that takes a value consumes the next word, and the last state says what to offer.
namespace lithops::cli {
namespace {

const char* kind_name(ValueKind kind) {
  switch (kind) {
    case ValueKind::kNone:
      return "";
    case ValueKind::kFree:
      return "free";
    case ValueKind::kFile:
      return "file";
    case ValueKind::kCompute:
      return "compute";
    case ValueKind::kStorage:
      return "storage";
    case ValueKind::kConfigKey:
      return "config-key";
    case ValueKind::kJobKey:
      return "job";
  }
  return "free";
}

/// Single-quoted for bash and zsh.
std::string sq(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// Single-quoted for fish (where \\ and \' are the escapes).
std::string fish_sq(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

/// A case pattern matching `key` literally; "|option" (no path) matches it at any path.
std::string pattern(const std::string& key, bool fish) {
  bool any_path = key.size() > 1 && key[0] == '|';
  if (fish) return fish_sq(any_path ? "*" + key : key);  // fish matches quoted wildcards
  return any_path ? "*" + sq(key) : sq(key);
}

/// First line of a description, tabs and newlines removed (they separate fields).
std::string one_line(const std::string& text) {
  std::string out = text.substr(0, text.find('\n'));
  for (char& c : out)
    if (c == '\t') c = ' ';
  return out;
}

struct Tables {
  // One entry per command path, in depth-first order.
  std::vector<std::pair<std::string, std::vector<std::string>>> subcommands;
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>>
      subcommand_descs;
  std::vector<std::pair<std::string, std::vector<std::string>>> options;
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>>
      option_descs;
  // "path|option" -> its value kind; an empty path here means any path (a global option).
  std::vector<std::pair<std::string, std::string>> value_kinds;
  std::vector<std::pair<std::string, std::string>> positional_kinds;  // path -> kind
  std::vector<std::string> global_value_options;  // forwarded to `completion job-keys`
};

void add_command(const CommandSpec& root, const CommandSpec& command, Tables& t) {
  std::vector<std::string> subs;
  std::vector<std::pair<std::string, std::string>> sub_descs;
  for (const auto& sub : command.subcommands) {
    subs.push_back(sub.name);
    sub_descs.emplace_back(sub.name, one_line(sub.description));
  }
  if (!subs.empty()) {
    t.subcommands.emplace_back(command.path, subs);
    t.subcommand_descs.emplace_back(command.path, sub_descs);
  }
  std::vector<std::string> names;
  std::vector<std::pair<std::string, std::string>> descs;
  for (const auto& option : effective_options(chain_to(root, command.path))) {
    if (option.positional) {
      if (option.value != ValueKind::kFree)
        t.positional_kinds.emplace_back(command.path, kind_name(option.value));
      continue;
    }
    for (const auto& name : option.names) {
      names.push_back(name);
      descs.emplace_back(name, one_line(option.description));
    }
  }
  t.options.emplace_back(command.path, names);
  t.option_descs.emplace_back(command.path, descs);
  // Value kinds of the command's own options; the global ones follow as wildcard rows.
  if (command.path.empty()) return;
  for (const auto& option : command.options)
    if (!option.positional && option.value != ValueKind::kNone)
      for (const auto& name : option.names)
        t.value_kinds.emplace_back(command.path + "|" + name, kind_name(option.value));
}

Tables make_tables(const CommandSpec& root) {
  Tables t;
  for (const CommandSpec* command : all_commands(root)) add_command(root, *command, t);
  for (const auto& option : root.options)
    if (!option.positional && option.value != ValueKind::kNone)
      for (const auto& name : option.names) {
        t.global_value_options.push_back(name);
        t.value_kinds.emplace_back("|" + name, kind_name(option.value));
      }
  return t;
}

// A `case "$1" in` function (bash and zsh share the syntax) printing one value per key.
std::string sh_case(const std::string& name, const std::string& comment, const std::string& subject,
                    const std::vector<std::pair<std::string, std::string>>& rows) {
  std::string out = fmt::format("# {}\n{}() {{\n  case \"{}\" in\n", comment, name, subject);
  for (const auto& [key, value] : rows)
    out += fmt::format("    {}) echo {} ;;\n", pattern(key, false), sq(value));
  return out + "  esac\n}\n\n";
}

template <typename List>
std::vector<std::pair<std::string, std::string>> joined(const List& rows) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, values] : rows) out.emplace_back(key, join(values, " "));
  return out;
}

// zsh's _describe wants "name:description" with colons in the name escaped.
std::string zsh_describe_case(
    const std::string& name, const std::string& comment,
    const std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>>&
        rows) {
  std::string out = fmt::format("# {}\n{}() {{\n  case \"$1\" in\n", comment, name);
  for (const auto& [key, entries] : rows) {
    out += fmt::format("    {})\n", sq(key));
    for (const auto& [entry, desc] : entries) {
      std::string escaped;
      for (char c : entry) escaped += c == ':' ? std::string("\\:") : std::string(1, c);
      out += fmt::format("      print -r -- {}\n", sq(escaped + ":" + desc));
    }
    out += "      ;;\n";
  }
  return out + "  esac\n}\n\n";
}

std::string sh_data(const Tables& t, bool zsh) {
  std::string out;
  out += sh_case("_lithops_subcommands", "The subcommands of a command path ('' is lithops).", "$1",
                 joined(t.subcommands));
  out += sh_case("_lithops_options", "Every option valid at a command path, global ones included.",
                 "$1", joined(t.options));
  out += sh_case("_lithops_value_kind",
                 "What option $2 takes at path $1 (file, compute, storage, config-key, job, free); "
                 "nothing for a flag.",
                 "$1|$2", t.value_kinds);
  out += sh_case("_lithops_positional_kind", "What the arguments of a command path are.", "$1",
                 t.positional_kinds);
  out += fmt::format(
      "# Global options with a value: they choose the config and storage, so\n"
      "# `completion job-keys` gets them too.\n_lithops_global_value_options={}\n\n",
      sq(" " + join(t.global_value_options, " ") + " "));
  if (zsh) {
    out += zsh_describe_case("_lithops_subcommand_descs", "name:description of each subcommand.",
                             t.subcommand_descs);
    out += zsh_describe_case("_lithops_option_descs", "name:description of each option.",
                             t.option_descs);
  }
  return out;
}

std::string word_list(const std::vector<std::string>& words, const std::string& suffix = "") {
  std::vector<std::string> out;
  for (const auto& w : words) out.push_back(w + suffix);
  return join(out, " ");
}

// The words typed before the cursor decide the command path and whether the cursor is on
// an option's value. Shared by bash and zsh: the typed words are WORDS[FIRST] to WORDS[LAST-1].
const char* kShWalk = R"SH(  local w pending='' kind='' cmdpath=''
  local -a forward=()
  for ((i = FIRST; i < LAST; i++)); do
    w=${WORDS[i]}
    if [[ -n $pending ]]; then
      [[ $w == '=' ]] && continue  # bash splits --opt=value at the '='
      [[ $_lithops_global_value_options == *" $pending "* ]] && forward+=("$pending" "$w")
      pending=''
      continue
    fi
    if [[ $w == -* ]]; then
      [[ $w == *=* ]] && continue
      kind=$(_lithops_value_kind "$cmdpath" "$w")
      [[ -n $kind ]] && pending=$w
      continue
    fi
    [[ " $(_lithops_subcommands "$cmdpath") " == *" $w "* ]] && cmdpath=${cmdpath:+$cmdpath }$w
  done
)SH";

std::string sh_walk(const char* words, const char* first, const char* last) {
  std::string walk = kShWalk;
  auto replace = [&](const std::string& from, const std::string& to) {
    for (size_t at = walk.find(from); at != std::string::npos; at = walk.find(from, at + to.size()))
      walk.replace(at, from.size(), to);
  };
  replace("WORDS", words);
  replace("FIRST", first);
  replace("LAST", last);
  return walk;
}

std::string bash_values(const CompletionValues& v) {
  return fmt::format(R"SH(# Fills COMPREPLY with the values of kind $1 that start with $2.
_lithops_values() {{
  case "$1" in
    file)
      compopt -o filenames 2>/dev/null
      COMPREPLY+=($(compgen -f -- "$2")) ;;
    compute) COMPREPLY+=($(compgen -W {} -- "$2")) ;;
    storage) COMPREPLY+=($(compgen -W {} -- "$2")) ;;
    config-key)
      compopt -o nospace 2>/dev/null
      COMPREPLY+=($(compgen -W {} -- "$2")) ;;
    job)
      COMPREPLY+=($(compgen -W "$("$_lithops_exe" "${{forward[@]}}" completion job-keys 2>/dev/null)" -- "$2")) ;;
  esac
}}

)SH",
                     sq(word_list(v.compute)), sq(word_list(v.storage)),
                     sq(word_list(v.config_keys, "=")));
}

const char* kBashMain = R"SH(_lithops() {
  local cur=${COMP_WORDS[COMP_CWORD]} _lithops_exe=${COMP_WORDS[0]} i
WALK  COMPREPLY=()
  if [[ -n $pending ]]; then
    [[ $cur == '=' ]] && cur=''
    _lithops_values "$kind" "$cur"
    return
  fi
  local subcommands positional
  subcommands=$(_lithops_subcommands "$cmdpath")
  positional=$(_lithops_positional_kind "$cmdpath")
  if [[ $cur == -* || ( -z $subcommands && -z $positional ) ]]; then
    COMPREPLY=($(compgen -W "$(_lithops_options "$cmdpath")" -- "$cur"))
    return
  fi
  COMPREPLY=($(compgen -W "$subcommands" -- "$cur"))
  [[ -n $positional ]] && _lithops_values "$positional" "$cur"
  return 0
}
complete -F _lithops lithops
)SH";

std::string zsh_values(const CompletionValues& v) {
  return fmt::format(R"SH(# Offers the values of kind $1.
_lithops_values() {{
  case "$1" in
    file) _files ;;
    compute) compadd -- {} ;;
    storage) compadd -- {} ;;
    config-key) compadd -S '' -- {} ;;
    job) compadd -- ${{(f)"$(${{~words[1]}} "${{forward[@]}}" completion job-keys 2>/dev/null)"}} ;;
  esac
}}

)SH",
                     word_list(v.compute), word_list(v.storage), word_list(v.config_keys, "="));
}

const char* kZshMain = R"SH(_lithops() {
  local cur=${words[CURRENT]} i
WALK  if [[ -n $pending ]]; then
    _lithops_values "$kind"
    return
  fi
  local -a subcommands options
  local positional
  subcommands=(${(f)"$(_lithops_subcommand_descs "$cmdpath")"})
  positional=$(_lithops_positional_kind "$cmdpath")
  if [[ $cur == -* || ( ${#subcommands} -eq 0 && -z $positional ) ]]; then
    options=(${(f)"$(_lithops_option_descs "$cmdpath")"})
    _describe -t options option options
    return
  fi
  local ret=1
  (( ${#subcommands} )) && _describe -t commands command subcommands && ret=0
  [[ -n $positional ]] && _lithops_values "$positional" && ret=0
  return ret
}

if [[ $funcstack[1] == _lithops ]]; then
  _lithops "$@"
else
  compdef _lithops lithops
fi
)SH";

std::string fish_switch(const std::string& name, const std::string& comment,
                        const std::string& subject,
                        const std::vector<std::pair<std::string, std::string>>& rows) {
  std::string out = fmt::format("# {}\nfunction {}\n    switch \"{}\"\n", comment, name, subject);
  for (const auto& [key, value] : rows)
    out += fmt::format("        case {}\n            {}\n", pattern(key, true), value);
  return out + "    end\nend\n\n";
}

// Rows of fish code: `echo VALUE`, or `printf` one word a line.
std::vector<std::pair<std::string, std::string>> fish_echo(
    const std::vector<std::pair<std::string, std::string>>& rows) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, value] : rows) out.emplace_back(key, "echo " + fish_sq(value));
  return out;
}

std::vector<std::pair<std::string, std::string>> fish_lines(
    const std::vector<std::pair<std::string, std::vector<std::string>>>& rows) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, words] : rows) out.emplace_back(key, "printf '%s\\n' " + join(words, " "));
  return out;
}

std::string fish_desc_switch(
    const std::string& name, const std::string& comment,
    const std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>>&
        rows) {
  std::string out = fmt::format("# {}\nfunction {}\n    switch \"$argv[1]\"\n", comment, name);
  for (const auto& [key, entries] : rows) {
    out += fmt::format("        case {}\n", fish_sq(key));
    for (const auto& [entry, desc] : entries)
      out += fmt::format("            printf '%s\\t%s\\n' {} {}\n", fish_sq(entry), fish_sq(desc));
  }
  return out + "    end\nend\n\n";
}

std::string fish_values(const CompletionValues& v) {
  return fmt::format(
      R"SH(# Prints the values of kind $argv[1]; $argv[2..] are the global options to forward.
function __lithops_values
    switch $argv[1]
        case file
            __fish_complete_path (commandline -ct)
        case compute
            printf '%s\n' {}
        case storage
            printf '%s\n' {}
        case config-key
            printf '%s\n' {}
        case job
            set -l exe (commandline -opc)[1]
            $exe $argv[2..-1] completion job-keys 2>/dev/null
    end
end

)SH",
      word_list(v.compute), word_list(v.storage), word_list(v.config_keys, "="));
}

const char* kFishMain = R"SH(function __lithops_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l cmdpath ''
    set -l pending ''
    set -l kind ''
    set -l forward
    for w in $tokens[2..-1]
        if test -n "$pending"
            contains -- $pending $__lithops_global_value_options; and set -a forward $pending $w
            set pending ''
            continue
        end
        if string match -q -- '-*' $w
            string match -q -- '*=*' $w; and continue
            set kind (__lithops_value_kind "$cmdpath|$w")
            test -n "$kind"; and set pending $w
            continue
        end
        if contains -- $w (__lithops_subcommands "$cmdpath")
            set cmdpath (string trim -- "$cmdpath $w")
        end
    end
    if test -n "$pending"
        __lithops_values $kind $forward
        return
    end
    set -l subcommands (__lithops_subcommand_descs "$cmdpath")
    set -l positional (__lithops_positional_kind "$cmdpath")
    if string match -q -- '-*' $cur; or test -z "$subcommands$positional"
        __lithops_option_descs "$cmdpath"
        return
    end
    printf '%s\n' $subcommands
    test -n "$positional"; and __lithops_values $positional $forward
end

complete -c lithops -f -a '(__lithops_complete)'
)SH";

}  // namespace

std::string bash_completion(const CompletionModel& model) {
  Tables t = make_tables(model.root);
  std::string main = kBashMain;
  main.replace(main.find("WALK"), 4, sh_walk("COMP_WORDS", "1", "COMP_CWORD"));
  return "# bash completion for lithops. Generated by `lithops completion bash`: do not edit.\n"
         "# Install as share/bash-completion/completions/lithops, or: "
         "source <(lithops completion bash)\n\n" +
         sh_data(t, false) + bash_values(model.values) + main;
}

std::string zsh_completion(const CompletionModel& model) {
  Tables t = make_tables(model.root);
  std::string main = kZshMain;
  main.replace(main.find("WALK"), 4, sh_walk("words", "2", "CURRENT"));
  return "#compdef lithops\n"
         "# zsh completion for lithops. Generated by `lithops completion zsh`: do not edit.\n"
         "# Install as _lithops in a directory of $fpath (share/zsh/vendor-completions).\n\n" +
         sh_data(t, true) + zsh_values(model.values) + main;
}

std::string fish_completion(const CompletionModel& model) {
  Tables t = make_tables(model.root);
  std::string out =
      "# fish completion for lithops. Generated by `lithops completion fish`: do not edit.\n"
      "# Install as share/fish/vendor_completions.d/lithops.fish.\n\n";
  out += fish_switch("__lithops_subcommands", "The subcommands of a command path, one a line.",
                     "$argv[1]", fish_lines(t.subcommands));
  out += fish_switch("__lithops_value_kind",
                     "What option B takes at path A, given as A|B; nothing for a flag.", "$argv[1]",
                     fish_echo(t.value_kinds));
  out += fish_switch("__lithops_positional_kind", "What the arguments of a command path are.",
                     "$argv[1]", fish_echo(t.positional_kinds));
  out += fish_desc_switch("__lithops_subcommand_descs", "Each subcommand and its description.",
                          t.subcommand_descs);
  out += fish_desc_switch("__lithops_option_descs", "Each option and its description.",
                          t.option_descs);
  std::string globals;
  for (const auto& name : t.global_value_options) globals += " " + fish_sq(name);
  out += "set -g __lithops_global_value_options" + globals + "\n\n";
  return out + fish_values(model.values) + kFishMain;
}

}  // namespace lithops::cli
