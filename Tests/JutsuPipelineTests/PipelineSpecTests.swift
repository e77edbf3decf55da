import JutsuCore
import JutsuPipeline
import Testing

@Suite struct PipelineSpecTests {
    @Test func interpolatedValuesAreNeverPrinted() {
        let secret = ConfigValue(value: "s3cr3t", interpolated: true, written: "${POLYGON_API_KEY}")
        #expect("\(secret)" == "${POLYGON_API_KEY}")
        #expect(ConfigValue(value: "plain").description == "plain")
    }
}
