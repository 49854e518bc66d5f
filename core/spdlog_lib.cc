// spdlog's compiled code, built into lithops instead of loaded from libspdlog.so. The shared
// library was the largest part of every process start after libstdc++: it is linked with
// BIND_NOW, so each start resolved its ~1,200 symbols (about 40% of the dynamic loader's work
// in `lithops-runtime hello`). Every other file includes spdlog in its compiled-library mode
// (SPDLOG_COMPILED_LIB, declarations only), so only this file pays to compile the
// implementation. It defines the non-template code and instantiates the templates lithops
// uses (the default logger's colour sink, the stderr logger): a link error naming an spdlog
// symbol means that a new use needs its instantiation here.
#ifndef SPDLOG_COMPILED_LIB
#error "spdlog_lib.cc builds spdlog's compiled library: SPDLOG_COMPILED_LIB must be defined"
#endif

#include <spdlog/common-inl.h>
#include <spdlog/details/backtracer-inl.h>
#include <spdlog/details/log_msg-inl.h>
#include <spdlog/details/log_msg_buffer-inl.h>
#include <spdlog/details/null_mutex.h>
#include <spdlog/details/os-inl.h>
#include <spdlog/details/periodic_worker-inl.h>
#include <spdlog/details/registry-inl.h>
#include <spdlog/logger-inl.h>
#include <spdlog/pattern_formatter-inl.h>
#include <spdlog/sinks/ansicolor_sink-inl.h>
#include <spdlog/sinks/base_sink-inl.h>
#include <spdlog/sinks/sink-inl.h>
#include <spdlog/sinks/stdout_sinks-inl.h>
#include <spdlog/spdlog-inl.h>

#include <mutex>

template class spdlog::sinks::base_sink<std::mutex>;
template class spdlog::sinks::base_sink<spdlog::details::null_mutex>;
// The default logger spdlog makes before setup_logging replaces it.
template class spdlog::sinks::ansicolor_sink<spdlog::details::console_mutex>;
template class spdlog::sinks::ansicolor_stdout_sink<spdlog::details::console_mutex>;
// setup_logging's stderr logger.
template class spdlog::sinks::stdout_sink_base<spdlog::details::console_mutex>;
template class spdlog::sinks::stdout_sink_base<spdlog::details::console_nullmutex>;
template class spdlog::sinks::stderr_sink<spdlog::details::console_mutex>;
template class spdlog::sinks::stderr_sink<spdlog::details::console_nullmutex>;
template std::shared_ptr<spdlog::logger> spdlog::stderr_logger_st<spdlog::synchronous_factory>(
    const std::string& logger_name);
template std::shared_ptr<spdlog::logger> spdlog::stderr_logger_mt<spdlog::synchronous_factory>(
    const std::string& logger_name);
