package runnerstest

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fleetkit/runners"
	"github.com/fleetkit/runners/webhook"
)

// hookConfig is the webhook deliveries go to. It is only ever held through a
// pointer, so that printing the server prints no secret.
type hookConfig struct {
	h      http.Handler
	secret []byte
	id     int64 // X-GitHub-Hook-ID
}

// SendWebhooks makes the fake deliver signed workflow_job events to h (a
// user's webhook handler), as GitHub does for an organization or repository
// webhook subscribed to "Workflow jobs": from then on, every job queued,
// taken by a runner or completed is delivered to h (earlier events are not).
// Each call sets up a new webhook, with its own X-GitHub-Hook-ID, in place of
// the last; a nil h removes it: nothing more is delivered.
//
// Each delivery is a POST of the JSON payload, shaped as GitHub's (action,
// workflow_job, repository, organization for an organization's repository,
// sender; no installation, as for a webhook that is not a GitHub App's), with
// GitHub's headers: X-GitHub-Event "workflow_job", X-GitHub-Delivery (a fresh
// GUID for each delivery), X-GitHub-Hook-ID, X-GitHub-Hook-Installation-Target-Type
// ("organization" for an organization's repository, "repository" for a
// user's) and -Target-ID, User-Agent "GitHub-Hookshot/...", Content-Type
// application/json, and, signed with secret exactly as GitHub signs,
// X-Hub-Signature-256 ("sha256=...", as [webhook.Signature] makes it) and the
// older X-Hub-Signature ("sha1=..."). An empty secret is a webhook without
// one: GitHub then sends no signature header, and neither does the fake.
// The secret is copied, and appears nowhere but in the signatures.
//
// Deliveries are made in order, one at a time, straight to h.ServeHTTP (the
// request's URL is "/", its context never done), outside the fake's lock,
// so h may call the fake (generate a JIT config, list runners). A call that
// causes deliveries (QueueJob, CompleteJob, an API request) returns once they
// are made, unless deliveries are already under way, by another goroutine or
// because h itself made the call: then they are made after those, in order,
// by the goroutine already delivering, and the call returns at once. Once
// every caller has returned, every delivery has been made.
//
// Each delivery is recorded ([Server.Deliveries]) with h's status code. As
// GitHub, the fake does not redeliver one that failed (an answer other than
// 2xx): [Server.Redeliver] does, with the same X-GitHub-Delivery, as the
// webhook's "Recent Deliveries" page does. GitHub gives up on an answer
// after 10 seconds; the fake waits for h however long it takes.
//
// GitHub docs: https://docs.github.com/webhooks/webhook-events-and-payloads#workflow_job
// and https://docs.github.com/webhooks/webhook-events-and-payloads#delivery-headers
//
//	POST <the webhook's payload URL>
func (s *Server) SendWebhooks(h http.Handler, secret []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &s.st.fleet
	if h == nil {
		f.hook = nil
		return
	}
	f.lastHookID++
	f.hook = &hookConfig{h: h, secret: bytes.Clone(secret), id: f.lastHookID}
}

// Delivery is a webhook delivery the fake made ([Server.Deliveries]).
type Delivery struct {
	ID         string      // X-GitHub-Delivery; a redelivery's is the original's
	Event      string      // X-GitHub-Event: "workflow_job"
	Action     string      // "queued", "in_progress", "completed"
	JobID      int64       // the workflow_job.id
	Redelivery bool        // made by [Server.Redeliver]
	StatusCode int         // the handler's answer; GitHub counts a status other than 2xx as failed
	Header     http.Header // the request's headers, as sent
	Payload    []byte      // the request's body, as sent
	At         time.Time   // when it was made, on the fake's clock
}

// Deliveries returns the deliveries made so far, in the order they were made
// (the last 10,000 at most).
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := slices.Clone(s.st.fleet.deliveries)
	for i, d := range out {
		out[i].Header, out[i].Payload = d.Header.Clone(), bytes.Clone(d.Payload)
	}
	return out
}

// Redeliver delivers a recorded delivery again, as the webhook's "Recent
// Deliveries" page (or GitHub's redelivery endpoint) does: the same payload
// and X-GitHub-Delivery, signed anew with the webhook's secret, to the
// webhook set up now; it is recorded with Redelivery set. It returns once the
// redelivery is made (see [Server.SendWebhooks] for a call made during
// deliveries). An ID the fake never delivered is an error matching
// [runners.ErrNotFound]; with no webhook set up, [runners.ErrConflict].
//
// GitHub docs: https://docs.github.com/webhooks/testing-and-troubleshooting-webhooks/redelivering-webhooks
func (s *Server) Redeliver(deliveryID string) error {
	var err error
	s.update(func() {
		f := &s.st.fleet
		i := slices.IndexFunc(f.deliveries, func(d Delivery) bool { return d.ID == deliveryID })
		switch {
		case i < 0:
			err = &jobError{fmt.Sprintf("Redeliver: delivery %q: no such delivery", deliveryID), runners.ErrNotFound}
		case f.hook == nil:
			err = &jobError{fmt.Sprintf("Redeliver: delivery %q: no webhook is set up (SendWebhooks)", deliveryID), runners.ErrConflict}
		default:
			d := f.deliveries[i]
			f.outbox = append(f.outbox, outgoing{
				id: d.ID, action: d.Action, jobID: d.JobID, body: d.Payload, redelivery: true,
				targetType: d.Header.Get("X-GitHub-Hook-Installation-Target-Type"),
				targetID:   d.Header.Get("X-GitHub-Hook-Installation-Target-ID"),
			})
		}
	})
	return err
}

// outgoing is a delivery made but not yet sent.
type outgoing struct {
	id         string
	action     string
	jobID      int64
	body       []byte
	redelivery bool
	targetType string // X-GitHub-Hook-Installation-Target-Type
	targetID   string
}

// update runs f under the server's lock, lets waiting jobs find runners, and
// then, outside the lock, makes the deliveries all that caused.
func (s *Server) update(f func()) {
	func() {
		s.mu.Lock()
		defer s.mu.Unlock() // a panic in f must not leave the fake locked
		f()
		s.matchJobs()
	}()
	s.deliver()
}

// deliver makes the deliveries in the outbox, in order, outside the lock;
// when another call is making them already, it leaves them to it.
func (s *Server) deliver() {
	s.mu.Lock()
	if s.st.fleet.delivering {
		s.mu.Unlock()
		return
	}
	s.st.fleet.delivering = true
	s.mu.Unlock()
	done := false
	defer func() {
		if !done { // a handler panicked: the next call delivers what is left
			s.mu.Lock()
			s.st.fleet.delivering = false
			s.mu.Unlock()
		}
	}()
	for {
		d, h, ok := s.nextDelivery()
		if !ok {
			done = true
			return
		}
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(d.Payload))
		req.Header = d.Header.Clone()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		d.StatusCode = rec.Code
		s.mu.Lock()
		f := &s.st.fleet
		if len(f.deliveries) == s.maxRecords {
			f.deliveries = slices.Delete(f.deliveries, 0, 1)
		}
		f.deliveries = append(f.deliveries, d)
		s.mu.Unlock()
	}
}

// nextDelivery takes the first delivery of the outbox, signed for the
// webhook set up now, and the handler to send it to; when there is none (or
// no webhook, which drops the outbox), it ends the delivering.
func (s *Server) nextDelivery() (Delivery, http.Handler, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &s.st.fleet
	if len(f.outbox) == 0 || f.hook == nil {
		f.outbox, f.delivering = nil, false
		return Delivery{}, nil, false
	}
	o := f.outbox[0]
	f.outbox = slices.Delete(f.outbox, 0, 1)
	header := http.Header{
		"X-Github-Event":                         {"workflow_job"},
		"X-Github-Delivery":                      {o.id},
		"X-Github-Hook-Id":                       {strconv.FormatInt(f.hook.id, 10)},
		"X-Github-Hook-Installation-Target-Type": {o.targetType},
		"X-Github-Hook-Installation-Target-Id":   {o.targetID},
		"User-Agent":                             {"GitHub-Hookshot/044aadd"}, // the shape of GitHub's: its prefix and a short commit
		"Content-Type":                           {"application/json"},
	}
	if len(f.hook.secret) > 0 {
		sig256, err := webhook.Signature(o.body, f.hook.secret)
		if err != nil {
			panic("runnerstest: " + err.Error()) // cannot happen: the secret is not empty
		}
		mac := hmac.New(sha1.New, f.hook.secret)
		mac.Write(o.body)
		header.Set("X-Hub-Signature-256", sig256)
		header.Set("X-Hub-Signature", "sha1="+hex.EncodeToString(mac.Sum(nil)))
	}
	return Delivery{
		ID: o.id, Event: "workflow_job", Action: o.action, JobID: o.jobID, Redelivery: o.redelivery,
		Header: header, Payload: o.body, At: s.now(),
	}, f.hook.h, true
}

// event makes the delivery of j's action, as j is now, when a webhook is set
// up; the caller holds s.mu.
func (s *Server) event(j *job, action string) {
	f := &s.st.fleet
	if f.hook == nil {
		return
	}
	p, targetType, targetID := s.payload(j, action)
	body, err := json.Marshal(p)
	if err != nil {
		panic("runnerstest: " + err.Error())
	}
	f.outbox = append(f.outbox, outgoing{
		id: newGUID(), action: action, jobID: j.ID, body: body,
		targetType: targetType, targetID: strconv.FormatInt(targetID, 10),
	})
}

// newGUID returns a random (version 4) GUID, as X-GitHub-Delivery carries.
func newGUID() string {
	b := make([]byte, 16)
	rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// The payload of a workflow_job delivery, with GitHub's field names; fields
// GitHub sends as null until known are pointers.
type (
	jobPayload struct {
		Action       string        `json:"action"`
		WorkflowJob  workflowJob   `json:"workflow_job"`
		Repository   repository    `json:"repository"`
		Organization *organization `json:"organization,omitempty"`
		Sender       account       `json:"sender"`
	}
	workflowJob struct {
		ID              int64      `json:"id"`
		RunID           int64      `json:"run_id"`
		WorkflowName    string     `json:"workflow_name"`
		HeadBranch      string     `json:"head_branch"`
		RunURL          string     `json:"run_url"`
		RunAttempt      int        `json:"run_attempt"`
		URL             string     `json:"url"`
		HTMLURL         string     `json:"html_url"`
		Status          string     `json:"status"`
		Conclusion      *string    `json:"conclusion"`
		CreatedAt       time.Time  `json:"created_at"`
		StartedAt       time.Time  `json:"started_at"`
		CompletedAt     *time.Time `json:"completed_at"`
		Name            string     `json:"name"`
		Steps           []struct{} `json:"steps"`
		CheckRunURL     string     `json:"check_run_url"`
		Labels          []string   `json:"labels"`
		RunnerID        *int64     `json:"runner_id"`
		RunnerName      *string    `json:"runner_name"`
		RunnerGroupID   *int64     `json:"runner_group_id"`
		RunnerGroupName *string    `json:"runner_group_name"`
	}
	repository struct {
		ID       int64   `json:"id"`
		Name     string  `json:"name"`
		FullName string  `json:"full_name"`
		Private  bool    `json:"private"`
		Owner    account `json:"owner"`
		HTMLURL  string  `json:"html_url"`
		URL      string  `json:"url"`
	}
	account struct {
		Login   string `json:"login"`
		ID      int64  `json:"id"`
		Type    string `json:"type"` // "User" or "Organization"
		URL     string `json:"url"`
		HTMLURL string `json:"html_url"`
	}
	organization struct {
		Login string `json:"login"`
		ID    int64  `json:"id"`
		URL   string `json:"url"`
	}
)

const (
	apiURL  = "https://api.github.com"
	htmlURL = "https://github.com"
	// sender is who caused every event: the user GitHub's examples show.
	sender = "octocat"
)

// payload is the delivery of j's action, and the webhook's target (the
// organization, or a user's repository); the caller holds s.mu.
func (s *Server) payload(j *job, action string) (p jobPayload, targetType string, targetID int64) {
	owner := s.account(j.owner, "User")
	if sd := s.st.scopes[j.orgKey]; sd != nil {
		owner = s.account(sd.path[len("orgs/"):], "Organization") // the organization's name as declared
		p.Organization = &organization{Login: owner.Login, ID: owner.ID, URL: apiURL + "/orgs/" + url.PathEscape(owner.Login)}
	}
	repoPath := url.PathEscape(owner.Login) + "/" + url.PathEscape(j.repo)
	p.Action = action
	p.Repository = s.repository(owner, j.repo, j.repoKey)
	p.Sender = s.account(sender, "User")
	p.WorkflowJob = workflowJob{
		ID: j.ID, RunID: j.RunID, WorkflowName: workflowName, HeadBranch: headBranch, RunAttempt: 1,
		RunURL:      fmt.Sprintf("%s/repos/%s/actions/runs/%d", apiURL, repoPath, j.RunID),
		URL:         fmt.Sprintf("%s/repos/%s/actions/jobs/%d", apiURL, repoPath, j.ID),
		HTMLURL:     fmt.Sprintf("%s/%s/actions/runs/%d/job/%d", htmlURL, repoPath, j.RunID, j.ID),
		CheckRunURL: fmt.Sprintf("%s/repos/%s/check-runs/%d", apiURL, repoPath, j.ID),
		Status:      j.Status, Conclusion: nullable(j.Conclusion), Name: j.Name, Steps: []struct{}{},
		CreatedAt: j.CreatedAt, StartedAt: j.StartedAt, CompletedAt: nullable(j.CompletedAt),
		Labels:   j.Labels,
		RunnerID: nullable(j.RunnerID), RunnerName: nullable(j.RunnerName),
		RunnerGroupID: nullable(j.RunnerGroupID), RunnerGroupName: nullable(j.RunnerGroupName),
	}
	if p.Organization != nil {
		return p, "organization", p.Organization.ID
	}
	return p, "repository", p.Repository.ID
}

// repository is the repository named name of owner, whose scopeKey is key;
// the caller holds s.mu.
func (s *Server) repository(owner account, name, key string) repository {
	repoPath := url.PathEscape(owner.Login) + "/" + url.PathEscape(name)
	return repository{
		ID: s.st.fleet.id("repo:" + key), Name: name, FullName: owner.Login + "/" + name, Owner: owner,
		HTMLURL: htmlURL + "/" + repoPath, URL: apiURL + "/repos/" + repoPath,
	}
}

// account is the account with the login; the caller holds s.mu.
func (s *Server) account(login, typ string) account {
	escaped := url.PathEscape(login)
	return account{
		Login: login, ID: s.st.fleet.id("account:" + strings.ToLower(login)), Type: typ,
		URL: apiURL + "/users/" + escaped, HTMLURL: htmlURL + "/" + escaped,
	}
}

// id returns the ID of an account or repository, the same for one name in
// any letter case, as on GitHub.
func (f *fleet) id(key string) int64 {
	if f.ids == nil {
		f.ids = map[string]int64{}
	}
	if f.ids[key] == 0 {
		f.lastID++
		f.ids[key] = f.lastID
	}
	return f.ids[key]
}

// nullable is nil for v's zero value (GitHub's null), else v.
func nullable[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}
