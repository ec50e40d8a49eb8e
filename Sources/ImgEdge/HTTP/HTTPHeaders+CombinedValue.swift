import HTTPTypes
import NIOHTTP1

extension HTTPHeaders {
    /// The values of every field named `name`, joined with ", " in order as `HTTPFields` joins
    /// them; nil when there is none.
    func combinedValue(of name: HTTPField.Name) -> String? {
        let values = self[name.rawName]
        return values.isEmpty ? nil : values.joined(separator: ", ")
    }
}
