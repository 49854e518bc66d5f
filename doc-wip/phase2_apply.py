import shutil, re
R='/work/wt/podman/'
def rd(p): return open(R+p).read()
def wr(p,s): open(R+p,'w').write(s)
def rep(p,a,b,cnt=1):
    s=rd(p); assert s.count(a)==cnt,(p,a,s.count(a)); wr(p,s.replace(a,b))
for f in ['config.h','config.cc','job_spec.h','job_spec.cc','runtime_record.h','runtime_record.cc']:
    shutil.copy('/tmp/p13/'+f, R+'core/'+f)
shutil.copy('/tmp/p13/registry.podman.cc', R+'backends/registry.cc')
# compute_backend: tune_job
rep('core/compute_backend.h','''  virtual Status launch(const JobSpec& job) = 0;''','''  virtual Status launch(const JobSpec& job) = 0;
  /// Before the job is recorded and launched: a backend may adjust how it runs, e.g. pack
  /// calls into fewer invocations where starting a worker costs much (a container).
  virtual void tune_job(JobSpec& job) const { (void)job; }''')
# backends CMake
rep('backends/CMakeLists.txt','''  compute/pool.cc
''','''  compute/podman_compute.cc
  compute/podman_launcher.cc
  compute/podman_runtime.cc
  compute/podman_settings.cc
  compute/pool.cc
''')
rep('backends/CMakeLists.txt','''  compute/runtime_manager.cc
''','''  compute/runtime_manager.cc
  compute/runtime_tree.cc
''')
rep('runtime/CMakeLists.txt','''  log_stream.cc
''','''  log_stream.cc
  oom_watch.cc
''')
