import HTTPTypes
import Hummingbird

/// Counts and logs every request the router answers: by route and status class with its
/// duration, every refusal by its `ErrorKind`, and one access-log line each (memory hits
/// answered on the event loop are counted and logged by `ImageRoutes`).
struct ObservingMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServiceMetrics
    let accessLog: AccessLog

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        func observe(_ status: HTTPResponse.Status, headers: HTTPFields = [:], kind: ErrorKind? = nil) {
            let duration = ContinuousClock.now - start
            let route = ServiceMetrics.Route(endpointPath: context.endpointPath)
            metrics.countRequest(route, status: status, duration: duration)
            kind.map(metrics.countRejection)
            accessLog.record(request.method, request.uri.description, status: status, headers: headers, kind: kind, duration: duration)
        }
        do {
            let response = try await next(request, context)
            observe(response.status, headers: response.headers)
            return response
        } catch let error as ErrorResponse {
            observe(error.status, kind: error.kind)
            throw error
        } catch let error as any HTTPResponseError {
            observe(error.status)
            throw error
        } catch {
            observe(.internalServerError)
            throw error
        }
    }
}
