// Package webhook receives GitHub's workflow_job webhook deliveries, the
// events that drive runner autoscalers: a job was queued (start a runner with
// the job's labels), a runner took it (in_progress), it completed (an
// ephemeral runner is gone).
//
// It needs nothing but the standard library and the runners package's
// sentinels. Deliveries come from an organization, repository or enterprise
// webhook, or a GitHub App's, subscribed to "Workflow jobs", with a secret.
//
// # Verifying
//
// GitHub signs each delivery with the webhook's secret: X-Hub-Signature-256
// is "sha256=" and the HMAC-SHA256 of the body, in hex. [Verify] checks it in
// constant time, against several secrets while one is rotated (set the new
// secret on the handler first, then on GitHub, then drop the old one). A bad
// signature matches [ErrSignature]; the SHA-1 X-Hub-Signature is not accepted.
// No secret, or an empty one, is a configuration error, never a pass.
//
// # Parsing
//
// [ParseWorkflowJob] decodes the fields autoscalers read into a
// [WorkflowJobEvent]: the action, the job (ID, run, name, workflow, branch,
// status, conclusion, labels, runner and runner group, times), the repository,
// and the organization, enterprise and installation when GitHub sends them.
// Values GitHub sends as null until they are known (the runner of a queued
// job, the conclusion and completion time of a running one) are zero. A
// payload that is not a workflow_job payload is an error, with no event.
//
// # Matching labels
//
// [MatchLabels] is GitHub's rule for which runner may take a job: the runner
// has every label of the job's runs-on, in any letter case. It says whether
// a runner (or a runner an autoscaler would start) fits a queued job.
//
// # Serving
//
// [NewHandler] is the http.Handler for the webhook's payload URL. It refuses
// anything but a POST, a body over GitHub's 25 MB cap and a bad signature
// before it looks at the delivery; answers ping and every other event without
// calling back; and hands each workflow_job delivery, parsed, to a func, whose
// result decides the answer: 202 when it returned nil, 500 otherwise, so a
// failure shows in the webhook's delivery log on GitHub. GitHub.com waits 10
// seconds for the answer: the func should record or enqueue the work, not do
// it. A redelivery carries the same [Delivery.ID], which makes the func easy
// to keep idempotent:
//
//	h := webhook.NewHandler(func(ctx context.Context, d *webhook.Delivery) error {
//		if d.Job.Action != "queued" {
//			return nil
//		}
//		return queue.AddOnce(ctx, d.ID, d.Job.WorkflowJob.Labels) // AddOnce skips an ID it has seen
//	}, []byte(os.Getenv("WEBHOOK_SECRET")))
//	http.Handle("POST /github/webhook", h)
//
// GitHub docs: https://docs.github.com/webhooks/webhook-events-and-payloads#workflow_job
package webhook
