/** Error bodies as the OpenAI API sends them (Responses and Chat Completions alike). */
export function openaiErrorBody(status: number): unknown {
  const [message, type, code] =
    status === 401
      ? [
          'Incorrect API key provided: sk-scri**********test. You can find your API key at https://platform.openai.com/account/api-keys.',
          'invalid_request_error',
          'invalid_api_key',
        ]
      : status === 429
        ? [
            'Rate limit reached for requests. Please try again in 20s.',
            'requests',
            'rate_limit_exceeded',
          ]
        : [
            'The server had an error while processing your request. Sorry about that!',
            'server_error',
            null,
          ];
  return { error: { message, type, param: null, code } };
}
