import HTTPTypes
import Hummingbird

/// Counts every request the router answers, by route and status class, and every refusal by
/// its `ErrorKind` (memory hits answered on the event loop are counted by `ImageRoutes`).
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServiceMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let route = ServiceMetrics.Route(method: request.method, path: request.uri.path)
        do {
            let response = try await next(request, context)
            metrics.countRequest(route, status: response.status)
            return response
        } catch let error as ErrorResponse {
            metrics.countRequest(route, status: error.status)
            metrics.countRejection(error.kind)
            throw error
        } catch let error as any HTTPResponseError {
            metrics.countRequest(route, status: error.status)
            throw error
        } catch {
            metrics.countRequest(route, status: .internalServerError)
            throw error
        }
    }
}
