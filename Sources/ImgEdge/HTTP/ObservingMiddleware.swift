import HTTPTypes
import Hummingbird

/// Hands every request the router answers to `RequestObserver`, with its status, headers or
/// refusal, and duration (hits answered on the event loop are observed by `ImageRoutes.cacheHit`).
struct ObservingMiddleware<Context: RequestContext>: RouterMiddleware {
    let observer: RequestObserver

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        let start = ContinuousClock.now
        func observe(_ status: HTTPResponse.Status, headers: HTTPFields = [:], kind: ErrorKind? = nil) {
            observer.observe(
                request.method, request.uri.description, route: ServiceMetrics.Route(endpointPath: context.endpointPath),
                status: status, headers: headers, kind: kind, duration: ContinuousClock.now - start)
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
