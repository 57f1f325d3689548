/**
 * sera-eval as a library: the run API, the three plugin registries and the interfaces a plugin
 * implements. Register a sandbox, an agent scaffold or a benchmark before calling `main` (the CLI,
 * in-process) or `runBenchmark` / `evaluatePredictions`; `--sandbox`, `--agent` and `--benchmark`
 * then find it by name. The Environment contract for a new sandbox is in `sera-eval/contract`.
 */
export { main } from './cli/main.js';
export type { Io } from './io.js';
export { EXIT } from './exit-codes.js';

export { planRollouts, type RolloutRequest, type EndpointRequest, type PlannedRollouts } from './pipeline/plan-run.js';
export { planEvaluation, type EvaluationRequest, type PlannedEvaluation } from './pipeline/plan-evaluation.js';
export { startRollouts, startEvaluation, type StartDeps } from './pipeline/start-run.js';
export { runBenchmark, type BenchmarkDeps } from './pipeline/benchmark-run.js';
export { evaluatePredictions, type EvaluateDeps } from './pipeline/evaluate-run.js';
export type { UnplannedSpec } from './pipeline/instance-plans.js';
export type { SelectionRequest } from './pipeline/select-instances.js';
export { RunSpecSchema, RUN_SPEC_FORMAT, type RunSpec, type RunSpecFields } from './run-dir/run-spec.js';
export { readRunSpec, type StoredRunSpec } from './run-dir/run-spec-file.js';
export type { ChosenScaffold } from './pipeline/rollout-cell.js';
export type { GradingSettings } from './pipeline/grade-cell.js';
export { RunLayout, type CellKey } from './run-dir/layout.js';
export type { Summary } from './report/summary-schema.js';

export { Registry } from './registry.js';
export { sandboxes } from './environment/sandboxes.js';
export { scaffolds } from './agents/scaffolds.js';
export { benchmarks } from './benchmarks/benchmarks.js';

export type { Environment, RunOptions, RunResult, ExecOptions, ExecResult } from './environment/environment.js';
export { EnvironmentUnavailableError, FileNotFoundError } from './environment/environment.js';
export type { SandboxProvider, SandboxRequest } from './environment/sandbox-provider.js';
export { runKey, type SandboxRun } from './environment/run-key.js';
export { defineSandbox, type SandboxFactory, type SandboxHooks, type ContainerSettings } from './environment/sandbox-factory.js';
export { LocalEnvironment } from './environment/local-environment.js';
export { localSandbox, LocalSandboxProvider, type LocalSandboxConfig } from './environment/local-sandbox.js';
export { dockerSandbox, type DockerSandboxConfig } from './environment/docker/docker-sandbox-factory.js';

export { defineScaffold, recordedSampling, type AgentScaffold, type ScaffoldRunContext, type ScaffoldEndpoint, type RunLimits } from './agents/scaffold.js';
export type { AgentTask } from './agents/agent-task.js';
export { seraScaffold, type SeraConfig } from './agents/sera/sera-scaffold.js';
export type { ModelClient, Sampling, ChatMessage, ModelTurn, ModelToolCall, ContextBudget } from './model/model-client.js';
export type { ToolSchema } from './model/tool-schema.js';
export { startReplayServer, type ReplayServer } from './model/replay-server.js';
export type { ReplayScript } from './model/replay-script.js';

export { defineBenchmark, sweBenchTask, UnsupportedInstanceError, type Benchmark } from './benchmarks/benchmark.js';
export { sweBench } from './benchmarks/swe-bench/swe-bench.js';
export { demoBenchmark, materializeDemoWorkspaces } from './benchmarks/demo/demo.js';
export type { GradingPlan, LogParser, StatusMap } from './evaluation/grading-plan.js';
export { gradingPlanFromSpec } from './benchmarks/swe-bench/spec-plan.js';
export type { TestSpec } from './benchmarks/swe-bench/specs/test-spec.js';
export { SweBenchInstanceSchema, type SweBenchInstance } from './dataset/schema.js';
export { TrajectorySchema, type Trajectory } from './run-dir/schemas.js';

export { HarnessError, InputError, InfrastructureError, InterruptedError } from './errors.js';
