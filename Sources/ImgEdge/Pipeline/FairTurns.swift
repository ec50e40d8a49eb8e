import DequeModule

/// Which waiting job gets the next free worker thread, as a state machine: the oldest waiting
/// job of the client with the fewest jobs running, clients with as many taking turns.
///
/// A queue in arrival order lets one client that sends many misses at once hold every thread
/// for as long as its jobs last, and each other client's miss waits behind all of them. Here a
/// client waiting for its first thread goes before every client already running one, so on a
/// server with N threads, N busy clients get one thread each, and a newcomer waits at most for
/// the first job to end. `Waiter` is what the caller resumes when a job's turn comes.
struct FairTurns<Client: Hashable, Waiter> {
    /// Threads: jobs that run at once.
    let threads: Int
    /// Jobs holding a thread now.
    private(set) var running = 0
    /// Jobs waiting for one.
    private(set) var waiting = 0
    /// Each client's jobs holding a thread; a client is removed at zero.
    private var runningByClient: [Client: Int] = [:]
    /// Each waiting client's jobs, oldest first; a client is removed when it has none.
    private var queues: [Client: Deque<(ticket: Int, waiter: Waiter)>] = [:]
    /// The clients with jobs waiting, in the order their turns come among equals.
    private var turnOrder: Deque<Client> = []

    init(threads: Int) {
        precondition(threads > 0)
        self.threads = threads
    }

    /// A job of `client` asks for a thread: true when it holds one now; otherwise `waiter`
    /// waits for its turn under `ticket` (the caller's, unique among those waiting).
    mutating func arrive(_ client: Client, ticket: Int, _ waiter: Waiter) -> Bool {
        if running < threads && waiting == 0 {
            start(client)
            return true
        }
        if queues[client] == nil { turnOrder.append(client) }
        queues[client, default: []].append((ticket, waiter))
        waiting += 1
        return false
    }

    /// A job of `client` gave its thread back: the waiter whose turn it is now holds it, and
    /// the caller resumes it. `client` goes behind those waiting with it, having just had a turn.
    mutating func finish(_ client: Client) -> Waiter? {
        running -= 1
        if let held = runningByClient[client] { runningByClient[client] = held > 1 ? held - 1 : nil }
        if queues[client] != nil, let index = turnOrder.firstIndex(of: client) {
            turnOrder.append(turnOrder.remove(at: index))
        }
        return startNext()
    }

    /// Takes back the waiter queued as `ticket` for `client`; nil when it is no longer waiting
    /// (its turn came first).
    mutating func cancel(ticket: Int, of client: Client) -> Waiter? {
        guard var queue = queues[client], let index = queue.firstIndex(where: { $0.ticket == ticket }) else { return nil }
        let waiter = queue.remove(at: index).waiter
        waiting -= 1
        if queue.isEmpty {
            queues[client] = nil
            turnOrder.removeAll { $0 == client }
        } else {
            queues[client] = queue
        }
        return waiter
    }

    /// Starts the oldest job of the first client in turn order with the fewest jobs running;
    /// that client goes to the back of the order if it has more waiting.
    private mutating func startNext() -> Waiter? {
        guard running < threads, !turnOrder.isEmpty else { return nil }
        var chosen = turnOrder.startIndex
        var fewest = Int.max
        for index in turnOrder.indices {
            let held = runningByClient[turnOrder[index], default: 0]
            if held < fewest {
                (chosen, fewest) = (index, held)
                if held == 0 { break }
            }
        }
        let client = turnOrder.remove(at: chosen)
        guard var queue = queues[client], let (_, waiter) = queue.popFirst() else { return nil }
        waiting -= 1
        if queue.isEmpty {
            queues[client] = nil
        } else {
            queues[client] = queue
            turnOrder.append(client)
        }
        start(client)
        return waiter
    }

    private mutating func start(_ client: Client) {
        running += 1
        runningByClient[client, default: 0] += 1
    }
}
