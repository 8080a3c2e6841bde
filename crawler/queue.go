package crawler

import (
	"sync"

	"github.com/gleanerhq/gleaner/crawler/state"
)

// minWorkers is the least number of requests a crawl runs at once, across
// all hosts. The per-host limiter in the transport decides how many of
// them reach one host.
const minWorkers = 32

// queuedRequest is one request waiting for a worker: what the worker
// needs to build it.
type queuedRequest struct {
	url   string      // normalised
	file  bool        // a file:// URL, for the file collector
	depth int         // 1 for a seed
	link  link        // the feed's hints, without the URL
	prev  *state.Page // the URL's state from earlier runs, or nil
}

// workQueue holds the requests of a crawl until a worker takes them. The
// collectors run synchronously inside the workers, so the number of
// requests in progress, and of goroutines, stays at the number of workers
// however many links a sitemap lists. The waiting requests cost only their
// queue entries.
type workQueue struct {
	mu     sync.Mutex
	cond   *sync.Cond
	items  []queuedRequest
	head   int // index of the next item in items
	closed bool

	// pending counts the requests pushed and not yet finished, so wait
	// returns once the queue is empty and no worker is busy. A worker
	// finishes a request only after its callbacks, which push the links
	// they find, have returned.
	pending sync.WaitGroup
	workers sync.WaitGroup
}

func newWorkQueue() *workQueue {
	q := &workQueue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// push adds a request to the end of the queue.
func (q *workQueue) push(req queuedRequest) {
	q.pending.Add(1)

	q.mu.Lock()
	q.items = append(q.items, req)
	q.mu.Unlock()
	q.cond.Signal()
}

// pop takes the first request, waiting for one. It reports false once the
// queue is closed and empty.
func (q *workQueue) pop() (queuedRequest, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()

	for q.head == len(q.items) && !q.closed {
		q.cond.Wait()
	}
	if q.head == len(q.items) {
		return queuedRequest{}, false
	}

	req := q.items[q.head]
	q.items[q.head] = queuedRequest{}
	q.head++
	if q.head == len(q.items) {
		q.items, q.head = q.items[:0], 0
	} else if q.head >= 1024 && q.head*2 >= len(q.items) {
		// Move the waiting items to the front so the slice does not grow
		// without bound on a long crawl.
		n := copy(q.items, q.items[q.head:])
		clear(q.items[n:])
		q.items, q.head = q.items[:n], 0
	}
	return req, true
}

// start runs n workers; each passes requests to do until the queue closes.
func (q *workQueue) start(n int, do func(queuedRequest)) {
	for range n {
		q.workers.Add(1)
		go func() {
			defer q.workers.Done()
			for {
				req, ok := q.pop()
				if !ok {
					return
				}
				do(req)
				q.pending.Done()
			}
		}()
	}
}

// wait returns when every request pushed has finished, then stops the
// workers.
func (q *workQueue) wait() {
	q.pending.Wait()

	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.cond.Broadcast()
	q.workers.Wait()
}
