#pragma once
// The engine thread: one long-lived std::thread that owns the loaded model (and with it the
// device, LibTorch's grad mode and CUDA stream, which are per thread) and runs jobs from a
// queue one at a time, reporting typed events through a callback.
#include "core/engine/concept_options.h"
#include "core/engine/device_info.h"
#include "core/engine/events.h"
#include "core/engine/train_request.h"
#include "core/pipeline/stable_diffusion.h"
#include "core/pipeline/text_to_image.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace perfusion::engine {

class Engine {
 public:
  explicit Engine(EventCallback on_event);
  // Cancels the running job, drops pending ones and joins the thread.
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Loads a model, unloading the current one first (both rarely fit in memory together);
  // loading the options already loaded only reports ModelLoaded again.
  JobId load_model(const pipeline::ModelOptions& options);
  // Latest wins: a Generate still waiting in the queue is dropped (Finished{Superseded});
  // with cancel_running, a Generate already running is cancelled as well.
  JobId generate(const pipeline::TextToImageRequest& request, bool cancel_running = false);
  // The same with Perfusion concepts. The engine keeps the concepts applied to the loaded
  // model between jobs: a new list of files rebuilds them, a new beta/tau only moves gates.
  JobId generate(const pipeline::TextToImageRequest& request, const ConceptOptions& concepts,
                 bool cancel_running = false);
  // Teaches the loaded model a concept: Progress (with loss) after every optimizer step,
  // Preview at step 0 and every options.preview_every steps, then the concept file. A cancel
  // stops it between micro-batches (well within a second on the demo model) and writes nothing.
  JobId train(const TrainRequest& request);
  // A pending job is dropped (Finished{Cancelled}); a running one stops at its next step.
  void cancel(JobId job);
  void cancel_all();

  // Memory of the model's device as last sampled by the engine thread (after each step and
  // job), so that no other thread touches the CUDA runtime; nullopt on the CPU.
  std::optional<DeviceMemory> device_memory() const;

 private:
  struct Job;

  void run();
  void execute(Job& job);
  void execute_load(Job& job);
  void execute_generate(Job& job);
  void execute_train(Job& job);
  JobId enqueue(std::shared_ptr<Job> job);
  // The concept set for this job's concepts (null when it has none), rebuilt only when the
  // files or the cache folder changed; throws perfusion::Error for an unusable concept.
  pipeline::ConceptSet* prepare_concepts(const ConceptOptions& options);
  void sample_device_memory();
  void report(const Event& event) const;

  EventCallback on_event_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<Job>> pending_;
  std::shared_ptr<Job> running_;
  JobId next_id_ = 1;
  bool stopping_ = false;

  std::atomic<int64_t> device_memory_used_{-1};
  std::atomic<int64_t> device_memory_total_{-1};

  // Owned by the engine thread alone.
  std::unique_ptr<pipeline::StableDiffusion> model_;
  pipeline::ModelOptions model_options_;
  // Concepts applied to model_ (declared after it: it holds a reference to the model); the
  // key says which files at which modification times and cache folder it was built from.
  std::unique_ptr<pipeline::ConceptSet> concept_set_;
  std::vector<std::string> concept_set_key_;

  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace perfusion::engine
