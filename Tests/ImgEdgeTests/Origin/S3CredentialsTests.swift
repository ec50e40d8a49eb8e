import Foundation
import Testing

@testable import ImgEdge

/// Where an S3 origin finds its credentials.
@Suite("S3 credentials")
struct S3CredentialsTests {
    @Test("credentials come from the settings, then AWS_*, then the shared file's profile, then none")
    func credentialOrder() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("imgedge-credentials-\(UUID())")
        try """
        [default]
        aws_access_key_id = FILEDEFAULT
        aws_secret_access_key = filesecret
        # a comment
        [other]
        aws_access_key_id=FILEOTHER
        aws_secret_access_key=othersecret
        aws_session_token=othertoken
        """.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        var settings = S3Origin.Settings()
        let aws = ["AWS_ACCESS_KEY_ID": "ENV", "AWS_SECRET_ACCESS_KEY": "envsecret", "AWS_SHARED_CREDENTIALS_FILE": file.path]
        #expect(S3Credentials.find(settings: settings, environment: aws).credentials?.accessKeyID == "ENV")
        #expect(S3Credentials.find(settings: settings, environment: aws).source == .environment)
        let fileOnly = ["AWS_SHARED_CREDENTIALS_FILE": file.path]
        #expect(S3Credentials.find(settings: settings, environment: fileOnly).credentials?.accessKeyID == "FILEDEFAULT")
        let other = S3Credentials.find(settings: settings, environment: fileOnly.merging(["AWS_PROFILE": "other"]) { $1 })
        #expect(
            other.credentials
                == S3Credentials(accessKeyID: "FILEOTHER", secretAccessKey: "othersecret", sessionToken: "othertoken"))
        let none = S3Credentials.find(settings: settings, environment: ["AWS_SHARED_CREDENTIALS_FILE": file.path + ".missing"])
        #expect(none.credentials == nil && none.source == .anonymous)
        settings.accessKeyID = "SETTING"
        settings.secretAccessKey = "settingsecret"
        #expect(S3Credentials.find(settings: settings, environment: aws).credentials?.accessKeyID == "SETTING")
    }
}
