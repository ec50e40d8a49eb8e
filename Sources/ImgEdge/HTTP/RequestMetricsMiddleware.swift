import HTTPTypes
import Hummingbird

/// Counts every request the router answers, by route and status class, with its duration, and
/// every refusal by its `ErrorKind` (memory hits answered on the event loop are counted by
/// `ImageRoutes`).
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServiceMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let route = ServiceMetrics.Route(method: request.method, path: request.uri.path)
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            metrics.countRequest(route, status: response.status, duration: .now - start)
            return response
        } catch let error as ErrorResponse {
            metrics.countRequest(route, status: error.status, duration: .now - start)
            metrics.countRejection(error.kind)
            throw error
        } catch let error as any HTTPResponseError {
            metrics.countRequest(route, status: error.status, duration: .now - start)
            throw error
        } catch {
            metrics.countRequest(route, status: .internalServerError, duration: .now - start)
            throw error
        }
    }
}
