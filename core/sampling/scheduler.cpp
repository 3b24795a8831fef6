#include "core/sampling/scheduler.h"

#include "core/common/error.h"
#include "core/sampling/ddim_scheduler.h"
#include "core/sampling/dpm_solver_multistep_scheduler.h"
#include "core/sampling/euler_ancestral_scheduler.h"
#include "core/sampling/euler_scheduler.h"
#include "core/sampling/noise_schedule.h"
#include "core/sampling/pndm_scheduler.h"
#include "core/sampling/scheduler_config.h"

#include <nlohmann/json.hpp>

namespace perfusion::sampling {

at::Tensor Scheduler::scale_model_input(const at::Tensor& sample, int64_t call_index) const {
  check_call_index(call_index);
  return sample;
}

void Scheduler::check_call_index(int64_t call_index) const {
  const at::Tensor calls = timesteps();
  if (!calls.defined()) throw Error("scheduler used before set_timesteps");
  if (call_index < 0 || call_index >= calls.size(0))
    throw Error("scheduler call index " + std::to_string(call_index) + " is out of range (" +
                std::to_string(calls.size(0)) + " calls)");
}

std::unique_ptr<Scheduler> make_scheduler(const SamplerOptions& options, const nlohmann::json& scheduler_config) {
  const SchedulerConfig config = SchedulerConfig::from_json(scheduler_config);
  const bool karras_capable = options.kind == SamplerKind::Euler || options.kind == SamplerKind::DpmppTwoM;
  if (options.karras && !karras_capable)
    throw Error("Karras sigmas are available for euler and dpmpp_2m only, not " + sampler_id(options.kind));
  NoiseSchedule schedule = NoiseSchedule::from_config(config);
  switch (options.kind) {
    case SamplerKind::Pndm:
      return std::make_unique<PndmScheduler>(std::move(schedule), config);
    case SamplerKind::Ddim:
      return std::make_unique<DdimScheduler>(std::move(schedule), config);
    case SamplerKind::Euler:
      return std::make_unique<EulerScheduler>(std::move(schedule), config, options.karras);
    case SamplerKind::EulerAncestral:
      return std::make_unique<EulerAncestralScheduler>(std::move(schedule), config);
    case SamplerKind::DpmppTwoM:
      return std::make_unique<DpmSolverMultistepScheduler>(std::move(schedule), config, options.karras);
  }
  throw Error("unknown sampler kind");
}

SamplerKind parse_sampler(const std::string& name) {
  for (SamplerKind kind : {SamplerKind::Pndm, SamplerKind::Ddim, SamplerKind::Euler, SamplerKind::EulerAncestral,
                           SamplerKind::DpmppTwoM})
    if (name == sampler_id(kind)) return kind;
  throw Error("unknown sampler '" + name + "' (expected pndm, ddim, euler, euler_a or dpmpp_2m)");
}

std::string sampler_id(SamplerKind kind) {
  switch (kind) {
    case SamplerKind::Pndm: return "pndm";
    case SamplerKind::Ddim: return "ddim";
    case SamplerKind::Euler: return "euler";
    case SamplerKind::EulerAncestral: return "euler_a";
    case SamplerKind::DpmppTwoM: return "dpmpp_2m";
  }
  return "unknown";
}

std::string sampler_display_name(const SamplerOptions& options) {
  std::string name;
  switch (options.kind) {
    case SamplerKind::Pndm: name = "PNDM"; break;
    case SamplerKind::Ddim: name = "DDIM"; break;
    case SamplerKind::Euler: name = "Euler"; break;
    case SamplerKind::EulerAncestral: name = "Euler a"; break;
    case SamplerKind::DpmppTwoM: name = "DPM++ 2M"; break;
  }
  return options.karras ? name + " Karras" : name;
}

}  // namespace perfusion::sampling
