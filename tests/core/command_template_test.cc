#include <doctest/doctest.h>

#include "core/command_template.h"

using namespace lithops;
using Words = std::vector<std::string>;

TEST_CASE("words are split like a shell splits them, without expansion") {
  CHECK(*split_shell_words("echo  a 'b c' \"d e\" f\\ g") == Words{"echo", "a", "b c", "d e", "f g"});
  CHECK(*split_shell_words("echo '$HOME' \"$x\" *") == Words{"echo", "$HOME", "$x", "*"});
  CHECK(*split_shell_words("a'b'\"c\"") == Words{"abc"});
  CHECK(*split_shell_words("echo ''") == Words{"echo", ""});
  CHECK(*split_shell_words("echo \"a\\\"b\"") == Words{"echo", "a\"b"});
}

TEST_CASE("an unterminated quote is an error") {
  auto r = split_shell_words("echo 'oops");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("unterminated") != std::string::npos);
}

TEST_CASE("{} is the input - a JSON string loses its quotes") {
  auto t = CommandTemplate::parse("expr {} + 7");
  REQUIRE(t.ok());
  CHECK(*t->render("41", 0) == Words{"expr", "41", "+", "7"});
  CHECK(*t->render("\"hello world\"", 0) == Words{"expr", "hello world", "+", "7"});
}

TEST_CASE("{field} takes a field of an object input and {index} the call index") {
  auto t = CommandTemplate::parse("convert {src} out-{index}.png --size={size}");
  REQUIRE(t.ok());
  CHECK(t->fields() == Words{"src", "size"});
  CHECK(*t->render(R"({"src": "a b.jpg", "size": 64})", 3) ==
        Words{"convert", "a b.jpg", "out-3.png", "--size=64"});
}

TEST_CASE("a missing field names the call and the field") {
  auto t = CommandTemplate::parse("echo {name}");
  auto r = t->render(R"({"other": 1})", 12);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("call 12") != std::string::npos);
  CHECK(r.error().message.find("'name'") != std::string::npos);
  CHECK_FALSE(t->render("5", 0).ok());
}

TEST_CASE("doubled braces are literal braces") {
  auto t = CommandTemplate::parse("printf {{}}-{}");
  REQUIRE(t.ok());
  CHECK(*t->render("1", 0) == Words{"printf", "{}-1"});
}

TEST_CASE("a brace that opens no placeholder is literal text, as in GNU parallel") {
  auto group = CommandTemplate::parse("sh -c 'test -e f || { touch f; exit 3; }' {}");
  REQUIRE(group.ok());
  CHECK(group->fields().empty());
  CHECK(*group->render("7", 0) == Words{"sh", "-c", "test -e f || { touch f; exit 3; }", "7"});
  auto awk = CommandTemplate::parse("awk '{ print $1 }' {}x echo {oops oops}");
  REQUIRE(awk.ok());
  CHECK(*awk->render("1", 0) == Words{"awk", "{ print $1 }", "1x", "echo", "{oops", "oops}"});
}

TEST_CASE("an unknown field names the field and the call and suggests doubled braces") {
  auto t = CommandTemplate::parse("awk {print}");
  REQUIRE(t.ok());
  auto r = t->render("{\"a\": 1}", 4);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("call 4") != std::string::npos);
  CHECK(r.error().message.find("'print'") != std::string::npos);
  CHECK(r.error().message.find("{{print}}") != std::string::npos);
}

TEST_CASE("an empty command is an error") {
  CHECK_FALSE(CommandTemplate::parse("   ").ok());
}

TEST_CASE("an argument over the kernel's limit is refused naming the call and stdin") {
  auto t = CommandTemplate::parse("echo {}");
  REQUIRE(t.ok());
  std::string big = "\"" + std::string(200000, 'a') + "\"";
  auto argv = t->render(big, 7);
  REQUIRE(argv.ok());
  auto s = check_argument_sizes(*argv, 7);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message.find("call 7: argument 1 of the command is 200000 bytes") != std::string::npos);
  CHECK(s.error().message.find("stdin") != std::string::npos);
  CHECK(check_argument_sizes({"echo", std::string(1000, 'a')}, 0).ok());
}
