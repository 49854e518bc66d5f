// The pictures of a job: a timeline of its calls with the concurrency over time beneath, and
// a histogram of call durations. Drawn from JobRecords (job_stats.h) with a bounded number of
// shapes whatever the number of calls: past a few thousand calls the timeline shows groups
// of calls started together instead of each call, so a million calls plot in well under a
// second and under 1 MB.
#pragma once

#include "core/figure.h"
#include "core/job_stats.h"

namespace lithops {

/// Calls on the y axis by start, the job's time on the x axis (each worker's wall clock, as
/// recorded: see call_stats.h); queued time grey, running in the colour of its worker,
/// failed red. Beneath: calls running and queued over time.
Figure timeline_figure(const JobRecords& records, const std::string& title);
/// How many calls took how long (measured attempts, 40 bins from 0 to the longest).
Figure histogram_figure(const JobRecords& records, const std::string& title);

}  // namespace lithops
