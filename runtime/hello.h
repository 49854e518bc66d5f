// The task behind `lithops hello`: a greeting that says where it ran.
#pragma once

#include <ostream>

namespace lithops {

int say_hello(std::ostream& out);

}  // namespace lithops
